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
    # WeChat's server push (消息推送): the Token it signs with and the EncodingAESKey of safe mode.
    wechat_callback_token = SealedField(null=True)
    wechat_aes_key = SealedField(null=True)
    # WeChat subscribe-message template id per notification kind ({"event_cancelled": "tpl..."}):
    # each brand registers its own templates in the mini-program console.
    wechat_templates: fields.JSONField[dict[str, str] | None] = fields.JSONField(null=True)
    # Web origins whose pages may call the API from a browser (a LIFF app on the brand's domain).
    # Null (none) on brands created before the column: adding a NOT NULL column needs a SQL default.
    allowed_origins: fields.JSONField[list[str] | None] = fields.JSONField(null=True)
    # Regional settings (foundation/tenancy/regional.py); null on brands created before them means
    # the defaults there (Asia/Shanghai, zh-Hans, CNY).
    time_zone = fields.CharField(max_length=64, null=True)
    locales: fields.JSONField[list[str] | None] = fields.JSONField(null=True)
    default_locale = fields.CharField(max_length=16, null=True)
    currency = fields.CharField(max_length=3, null=True)
    # Where a LINE message or a web page links an event (a LIFF URL); the mini-program opens its own page.
    event_link_base = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "brand"

    def __repr__(self) -> str:  # keep credentials out of logs and tracebacks
        return f"<Brand {self.id} {self.slug}>"

    __str__ = __repr__


class BrandChange(Model):
    """One change of a brand's settings: what, who, when, the old and the new value (a secret is
    recorded as changed, never shown)."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation[Brand] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.CASCADE
    )
    setting = fields.CharField(max_length=40)
    old_value = fields.TextField(null=True)
    new_value = fields.TextField(null=True)
    # "staff:<id>" for HQ through the API, "cli" for `scrm brand ...`.
    changed_by = fields.CharField(max_length=40)
    changed_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "brand_change"
        indexes = (("brand_id", "changed_at"),)


class PlatformToken(Model):
    """A platform access token shared by every worker and machine (a WeChat app's, for one): fetched
    by one worker, used by all until shortly before it expires (foundation/integrations/wechat_tokens.py)."""

    key = fields.CharField(max_length=100, primary_key=True)
    token = SealedField(null=True)
    # sha256 of the token: sealing is randomised, so a "forget this token, not a newer one" update
    # compares this instead.
    fingerprint = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField(null=True)
    # A worker that is fetching a new token holds this until then; the others wait for its token.
    refreshing_until = fields.DatetimeField(null=True)

    class Meta:
        table = "platform_token"

    def __repr__(self) -> str:
        return f"<PlatformToken {self.key}>"

    __str__ = __repr__


class SeenNonce(Model):
    """A signed push's nonce, remembered for as long as its timestamp is acceptable: a second push
    with the same nonce is a replay and is refused."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation[Brand] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=8)
    nonce = fields.CharField(max_length=64)
    seen_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "seen_nonce"
        unique_together = (("brand", "channel", "nonce"),)
        indexes = (("seen_at",),)
