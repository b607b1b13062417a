from tortoise import fields
from tortoise.models import Model

from foundation.tenancy.sealing import SealedField


class Brand(Model):
    """A tenant. Its mini-program and LINE channel credentials are its own."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=120)
    wechat_appid = fields.CharField(max_length=64, null=True, unique=True)
    # Credentials are sealed at rest (foundation/tenancy/sealing.py); the model sees them in clear.
    wechat_secret = SealedField(null=True)
    line_channel_id = fields.CharField(max_length=64, null=True, unique=True)
    line_channel_secret = SealedField(null=True)
    line_channel_access_token = SealedField(null=True)
    # WeChat subscribe-message template id per notification kind ({"event_cancelled": "tpl..."}):
    # each brand registers its own templates in the mini-program console.
    wechat_templates: fields.JSONField[dict[str, str] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "brand"

    def __repr__(self) -> str:  # keep credentials out of logs and tracebacks
        return f"<Brand {self.id} {self.slug}>"

    __str__ = __repr__
