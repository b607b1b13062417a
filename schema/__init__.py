"""GraphQL types and resolvers: translates requests into service calls, and results back."""
