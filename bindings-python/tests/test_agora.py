"""Agora through the binding: the published uid vectors, the token vectors, the official
Python builder (agoraiotools) parsing and reproducing our tokens, batches and the inspector."""

import array
import json
import re
import time
from pathlib import Path

import pytest

import fanline
from agoraiotools.AccessToken2 import AccessToken, ServiceRtc
from agoraiotools.RtcTokenBuilder2 import Role_Publisher, RtcTokenBuilder

from conftest import APP_ID, CERT

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "core" / "tests" / "data"


def uid_vectors():
    text = (ROOT / "core" / "src" / "agora" / "uid_vectors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*`([^`]*)`\s*\|\s*(\d+)\s*\|", text, re.M)
    assert len(rows) == 10
    return [(user_id, int(uid)) for user_id, uid in rows]


def token_vectors():
    lines = (DATA / "agora-vectors.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def python_tokens():
    lines = (DATA / "agora-vectors-python.jsonl").read_text(encoding="utf-8").splitlines()
    return {v["name"]: v["token"] for v in map(json.loads, filter(str.strip, lines))}


@pytest.mark.parametrize("user_id,uid", uid_vectors())
def test_uid_vectors(user_id, uid):
    assert fanline.agora_uid(user_id) == uid


def test_uid_batch_matches_singles_and_call_uids():
    ids = [user_id for user_id, _ in uid_vectors()]
    assert fanline.agora_uids(ids) == [uid for _, uid in uid_vectors()]
    assert fanline.agora_uids(tuple(ids)) == fanline.agora_uids(iter(ids))
    assert fanline.agora_uids([]) == []
    creator, fan = fanline.call_uids("same", "same")
    assert creator == fanline.agora_uid("same") and fan != creator
    assert 1 <= fan <= 2**31 - 1
    with pytest.raises(fanline.InvalidInputError, match="item 1"):
        fanline.agora_uids(["ok", " bad"])


def vector_request(v):
    inp = v["input"]
    role = "subscriber" if inp.get("role") in ("subscriber", 2) else "publisher"
    extra = {}
    for ours, theirs in [
        ("privilege_expire", "privilegeExpire"),
        ("join_expire", "joinChannelPrivilegeExpire"),
        ("publish_audio_expire", "pubAudioPrivilegeExpire"),
        ("publish_video_expire", "pubVideoPrivilegeExpire"),
        ("publish_data_expire", "pubDataStreamPrivilegeExpire"),
    ]:
        if theirs in inp:
            extra[ours] = inp[theirs]
    return inp, role, extra


@pytest.mark.parametrize("v", [v for v in token_vectors() if v["token"].startswith("007")],
                         ids=lambda v: v["input"]["name"])
def test_access_token2_vectors(v):
    inp, role, extra = vector_request(v)
    builder = fanline.TokenBuilder(inp["appId"], inp["appCertificate"])
    ours = builder.build(inp["channelName"], inp.get("account", inp.get("uid")), role=role,
                         token_expire=inp["tokenExpire"], issue_ts=inp["issueTs"],
                         salt=inp["salt"], **extra)
    # Byte-identical to the official Python builder (Node's zlib differs on some payloads).
    assert ours == python_tokens()[inp["name"]]
    theirs = fanline.inspect_token(v["token"], inp["appCertificate"])
    mine = fanline.inspect_token(ours, inp["appCertificate"])
    assert theirs == mine
    assert mine["signatureValid"] is True
    assert mine["channel"] == inp["channelName"]
    assert fanline.verify_token(v["token"], inp["appCertificate"])
    assert not fanline.verify_token(v["token"], "0" * 32)


def test_legacy_006_vector():
    v = next(v for v in token_vectors() if v["token"].startswith("006"))
    inp = v["input"]
    uid = inp.get("account", inp.get("uid"))
    ours = fanline.build_token_006(inp["appId"], inp["appCertificate"], inp["channelName"], uid,
                                   privilege_expired_ts=inp["privilegeExpiredTs"],
                                   salt=inp["salt"], ts=inp["ts"])
    assert ours == v["token"]
    assert fanline.verify_token_006(ours, inp["appCertificate"], inp["channelName"], uid)
    assert not fanline.verify_token_006(ours, inp["appCertificate"], "other", uid)
    parsed = fanline.parse_token_006(ours)
    assert parsed["appId"] == inp["appId"]
    assert (parsed["salt"], parsed["ts"]) == (inp["salt"], inp["ts"])
    assert [p[0] for p in parsed["privileges"]] == [1, 2, 3, 4]


def official_parse(token):
    t = AccessToken()
    assert t.from_string(token)
    rtc = t._AccessToken__service[ServiceRtc.kServiceType]
    return t, rtc


def test_python_built_token_is_verified_by_the_official_builder():
    now = int(time.time())
    ours = fanline.TokenBuilder(APP_ID, CERT).build("call_0123456789abcdef0123456789abcdef",
                                                   2882341273, token_expire=600)
    t, rtc = official_parse(ours)
    assert t._AccessToken__app_id == APP_ID.encode()
    assert abs(t._AccessToken__issue_ts - now) <= 5
    assert t._AccessToken__expire == 600
    assert rtc._ServiceRtc__channel_name == b"call_0123456789abcdef0123456789abcdef"
    assert rtc._ServiceRtc__uid == b"2882341273"
    assert rtc._Service__privileges == {1: 600, 2: 600, 3: 600, 4: 600}
    # The official builder, given the same issue time and salt, signs the very same bytes.
    again = AccessToken(APP_ID, CERT, issue_ts=t._AccessToken__issue_ts, expire=600)
    again._AccessToken__salt = t._AccessToken__salt
    service = ServiceRtc("call_0123456789abcdef0123456789abcdef", 2882341273)
    for privilege in (1, 2, 3, 4):
        service.add_privilege(privilege, 600)
    again.add_service(service)
    assert again.build() == ours


def test_official_tokens_inspect_as_valid():
    token = RtcTokenBuilder.build_token_with_uid(APP_ID, CERT, "lobby", 42, Role_Publisher,
                                                 3600, 3600)
    info = fanline.inspect_token(token, CERT)
    assert info["signatureValid"] is True
    assert (info["channel"], info["uid"], info["numericUid"]) == ("lobby", "42", 42)
    assert info["services"][0]["privileges"][0]["name"] == "joinChannel"
    assert fanline.inspect_token(token)["signatureValid"] is None


def test_build_many_matches_single_builds_and_official_parser():
    builder = fanline.TokenBuilder(APP_ID, CERT)
    channels = [f"room_{i}" for i in range(200)]
    salts = list(range(1, 201))
    pinned = builder.build_many(channels, list(range(200)), issue_ts=1_700_000_000,
                                salts=salts, token_expire=900)
    for i in (0, 1, 99, 199):
        assert pinned[i] == builder.build(channels[i], i, issue_ts=1_700_000_000,
                                          salt=salts[i], token_expire=900)
    # Buffers work too, and the batch is parsed by the official parser.
    fresh = builder.build_many(channels, array.array("q", range(200)))
    assert len(fresh) == 200
    t, rtc = official_parse(fresh[7])
    assert rtc._ServiceRtc__channel_name == b"room_7" and rtc._ServiceRtc__uid == b"7"
    by_account = builder.build_many(["a", "b"], accounts=["alice", "bob"], role="subscriber")
    assert fanline.inspect_token(by_account[1])["uid"] == "bob"
    assert len(fanline.inspect_token(by_account[1])["services"][0]["privileges"]) == 1


def test_build_many_strict_and_lenient():
    builder = fanline.TokenBuilder(APP_ID, CERT)
    with pytest.raises(fanline.InvalidInputError, match="item 1"):
        builder.build_many(["ok", "bad/channel"], [1, 2])
    tokens = builder.build_many(["ok", "bad/channel"], [1, 2], strict=False)
    assert tokens[0].startswith("007") and tokens[1] is None
    for bad in [dict(uids=[1]), dict(), dict(uids=[1, 2], accounts=["a", "b"]),
                dict(uids=[-1, 2]), dict(uids=[1, 2], salts=[1, 2])]:
        with pytest.raises(fanline.InvalidInputError):
            builder.build_many(["a", "b"], **bad)


def test_inspect_tokens_batch():
    builder = fanline.TokenBuilder(APP_ID, CERT)
    tokens = builder.build_many([f"c{i}" for i in range(100)], list(range(100)))
    infos = fanline.inspect_tokens(tokens, CERT)
    assert [i["channel"] for i in infos] == [f"c{i}" for i in range(100)]
    assert all(i["signatureValid"] for i in infos)
    assert fanline.inspect_tokens(["007junk", tokens[0]], strict=False)[0] is None
    with pytest.raises(fanline.InvalidInputError, match="item 0"):
        fanline.inspect_tokens(["007junk"])
    # A bad certificate is a configuration error, even when lenient.
    with pytest.raises(fanline.ConfigError):
        fanline.inspect_tokens(tokens[:2], "short", strict=False)


def test_token_inputs_are_checked_and_secrets_stay_out():
    builder = fanline.TokenBuilder(APP_ID, CERT)
    assert CERT not in repr(builder) and builder.app_id == APP_ID
    with pytest.raises(fanline.InvalidInputError, match="relative seconds"):
        builder.build("c", 1, token_expire=1_700_003_600)
    with pytest.raises(fanline.InvalidInputError):
        builder.build("c" * 65, 1)
    with pytest.raises(fanline.InvalidInputError):
        builder.build("c", 2**32)
    with pytest.raises(fanline.InvalidInputError):
        builder.build("c", 1, issue_ts=1)  # salt missing
    with pytest.raises(fanline.InvalidInputError):
        builder.build("c", 1, role="host")
    with pytest.raises(fanline.InvalidInputError):
        fanline.inspect_token("x" * 100_000)
    rtm = builder.build("c", "alice", rtm_user_id="alice", rtm_expire=60)
    assert [s["name"] for s in fanline.inspect_token(rtm)["services"]] == ["rtc", "rtm"]
    one_shot = fanline.build_rtc_token(APP_ID, CERT, "c", 5, issue_ts=1_700_000_000, salt=9)
    assert one_shot == builder.build("c", 5, issue_ts=1_700_000_000, salt=9)


def test_channel_name_and_user_ids():
    assert fanline.channel_name("24e81a72-35cf-4d42-9c13-d7aeaf461a52") == \
        "call_24e81a7235cf4d429c13d7aeaf461a52"
    fanline.validate_user_id("ünïcode-用户")
    for bad in ["", " x", "x" * 129, "a\nb"]:
        with pytest.raises(fanline.InvalidInputError):
            fanline.validate_user_id(bad)
    with pytest.raises(fanline.InvalidInputError):
        fanline.channel_name("not-a-uuid")


def test_roles_by_name_or_official_number_as_in_node():
    builder = fanline.TokenBuilder(APP_ID, CERT)
    pinned = dict(issue_ts=1_700_000_000, salt=7)
    for name, code in [("publisher", 1), ("subscriber", 2)]:
        assert builder.build("c", 1, role=code, **pinned) == builder.build("c", 1, role=name, **pinned)
    assert builder.build("c", 1, role=2, **pinned) != builder.build("c", 1, role=1, **pinned)
    legacy = dict(salt=7, ts=1_700_000_000, privilege_expired_ts=0)
    for name, code in [("attendee", 0), ("publisher", 1), ("subscriber", 2), ("admin", 101)]:
        assert (fanline.build_token_006(APP_ID, CERT, "c", 1, role=code, **legacy)
                == fanline.build_token_006(APP_ID, CERT, "c", 1, role=name, **legacy))
    for bad in [0, 3, 101, True, 1.0, "host", -1]:
        with pytest.raises(fanline.InvalidInputError):
            builder.build("c", 1, role=bad)
    with pytest.raises(fanline.InvalidInputError):
        fanline.build_token_006(APP_ID, CERT, "c", 1, role=3)
