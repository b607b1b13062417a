"""Community events: publish, invite, sign up (with a waitlist), check in."""
