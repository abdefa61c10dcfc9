"""Smoke test of the installed wheel, run by scripts/stages/70-packages in a fresh venv that
holds only the wheel and its `test` extra (agoraiotools is the official token library)."""

import pathlib
import sys
import tempfile

import fanline
from agoraiotools.AccessToken2 import AccessToken, ServiceRtc

APP_ID = "970CA35de60c44645bbae8a215061b33"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"

# The package is the installed one, not a source tree.
assert "site-packages" in pathlib.Path(fanline.__file__).parts, fanline.__file__

# A privacy decision.
assert fanline.decide("call", actor_role="creator", relationships=["follow"]) == {
    "allowed": True, "deny": None, "rule": "allow_calls"}
assert fanline.decide("call", actor_role="creator", relationships=[])["deny"] == "CALL_NOT_ALLOWED"

# An RTC token, read by the official parser; the official builder, given the same issue time
# and salt, signs the very same bytes.
token = fanline.TokenBuilder(APP_ID, CERT).build("call_smoke", 42, token_expire=600)
parsed = AccessToken()
assert parsed.from_string(token)
issue_ts, salt = parsed._AccessToken__issue_ts, parsed._AccessToken__salt
again = AccessToken(APP_ID, CERT, issue_ts=issue_ts, expire=600)
again._AccessToken__salt = salt
service = ServiceRtc("call_smoke", 42)
for privilege in (1, 2, 3, 4):
    service.add_privilege(privilege, 600)
again.add_service(service)
assert again.build() == token
assert fanline.inspect_token(token, CERT)["signatureValid"] is True

# The engine on a SQLite file, reopened by a second instance.
with tempfile.TemporaryDirectory() as tmp:
    spec = f"sqlite:{pathlib.Path(tmp) / 'smoke.db'}"
    options = dict(app_id=APP_ID, app_certificate=CERT,
                   share_key=b"smoke-test-share-secret-0123456789", flags={"calls": True})
    ada = fanline.Actor.fan("fan_ada")
    saved = fanline.Fanline(spec, **options).set_profile(ada, "Ada")
    assert saved["value"] == {"displayName": "Ada", "avatarUrl": None}
    assert fanline.Fanline(spec, **options).profile("fan_ada") == {"displayName": "Ada",
                                                                   "avatarUrl": None}

# Bad input is a coded error, not a crash.
try:
    fanline.agora_uid("fan\udc80")
except fanline.InvalidInputError as e:
    assert e.code == "INVALID_INPUT"
else:
    sys.exit("a lone surrogate was accepted")
print("python smoke: decide, token (official parser), SQLite engine: ok")
