"""GraphiQL that works without the internet: strawberry's page, with its CDN assets served from
server/graphiql_assets (byte-identical, so the page's SRI hashes hold; clients/graphiql/vendor.sh
rebuilds them from pinned npm packages), and one tab of example operations per role."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

from server.demo import DEMO_BRAND, DEMO_HQ_PASSWORD, DEMO_HQ_USER

ASSETS = Path(__file__).parent / "graphiql_assets"
ASSETS_URL = "/graphiql/assets/"
# Each asset strawberry's page loads from its CDN, by package path, and the vendored file that
# replaces it (whatever host the page names, the same bytes are served from here).
_LOCAL = {
    "react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}

# One tab per role: sign in (the demo data of `scrm dev`), then what that role does most.
EXAMPLES: list[dict[str, str]] = [
    {
        "query": f"""# Member (consumer). In development, sign in as anyone; put the token in Headers:
#   {{"Authorization": "Bearer <token>"}}
mutation MemberSignIn {{
  devSignIn(brand: "{DEMO_BRAND}", subject: "mum-1") {{ token newMember errors {{ code message }} }}
}}

query Me {{
  me {{ roles brand {{ name locales currency wechatTemplates {{ purpose templateId }} }} }}
  myPoints {{ balance }}
  myCoupons(first: 5) {{ nodes {{ code status template {{ name value {{ amount currency digits }} }} }} }}
  myUnreadCount
  myInbox(first: 5) {{ nodes {{ title body page readAt }} }}
}}
""",
    },
    {
        "query": f"""# Guide. The demo guide signs in as a member whose subject is guide-demo.
mutation GuideSignIn {{
  devSignIn(brand: "{DEMO_BRAND}", subject: "guide-demo") {{ token errors {{ code message }} }}
}}

query MyMembers($search: String) {{
  me {{ guide {{ name inviteQr(format: SVG) {{ url }} }} }}
  myMembers(first: 20, search: $search) {{ nodes {{ id displayName phone registeredAt }} }}
}}
""",
    },
    {
        "query": f"""# HQ. The demo HQ account: {DEMO_HQ_USER} / {DEMO_HQ_PASSWORD}.
mutation HqSignIn {{
  signInStaff(brand: "{DEMO_BRAND}", username: "{DEMO_HQ_USER}", password: "{DEMO_HQ_PASSWORD}") {{
    token errors {{ code message }}
  }}
}}

query Attribution {{
  attribution(from: "2026-01-01T00:00:00+08:00", to: "2026-12-31T00:00:00+08:00", by: GUIDE) {{
    key newMembers purchases revenue {{ amount currency digits }}
  }}
  members(first: 20) {{ nodes {{ id displayName profile {{ stage tags }} }} }}
  codeBatches(first: 5) {{ nodes {{ sku quantity exportPath }} }}
}}

mutation Settings {{
  updateBrandSettings(input: {{timeZone: "Asia/Shanghai", locales: ["zh-Hans", "en"]}}) {{
    brand {{ timeZone locales defaultLocale currency }} errors {{ code message field }}
  }}
}}
""",
    },
]


@cache
def page() -> str:
    html = get_graphql_ide_html(graphql_ide="graphiql")
    for path, local in _LOCAL.items():
        html, found = re.subn(r'"https?://[^"/]+/' + re.escape(path) + '"', f'"{ASSETS_URL}{local}"', html)
        if found != 1:
            raise RuntimeError(f"strawberry's GraphiQL page no longer loads {path}: rerun clients/graphiql/vendor.sh")
    # Same-origin now: no CORS mode for the assets.
    html = re.sub(r"\n\s*crossorigin\n", "\n", html)
    tabs = json.dumps([{"query": e["query"]} for e in EXAMPLES], ensure_ascii=False)
    html = html.replace(
        "          defaultEditorToolsVisibility: true,",
        f"          defaultEditorToolsVisibility: true,\n          defaultTabs: {tabs},",
    )
    return html.replace("parameters.q || EXAMPLE_QUERY", "parameters.q")
