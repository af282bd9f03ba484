"""Writes fuzz/corpus/*/seed-* from the shared vectors (tests/vectors), so every fuzzer starts
from the shapes the tests know. Run once after changing the vectors; the corpora (seeds plus
what `fuzz/run.sh` found and `-merge=1` kept) are committed."""

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"


def write(target: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


def load(name: str):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


for r in load("group_responses.json")["responses"]:
    header = r.get("headers", {}).get("retry-after", "").encode()
    write("response", r["status"].to_bytes(2, "big") + header + b"\xff" + r["body"].encode())
for r in load("list_responses.json")["responses"]:
    write("response", (200).to_bytes(2, "big") + b"\xff" + r["body"].encode())
for name in ("new_group.json", "update_payloads.json"):
    doc = load(name)
    for case in doc["valid"] + doc["invalid"]:
        text = json.dumps(case["payload"], ensure_ascii=False).encode()
        write("payload", text)
        write("c_json", text)
for value in ["0", "1", "120", "1.5", "1e20", "-1", "NaN", "inf", " 7 ",
              "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT", "soon"]:
    write("retry_after", value.encode())
ZONES = ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
         "Europe/London", "Pacific/Apia", "UTC", "Nowhere/Zone"]
for case in load("schedule.json")["cases"]:
    if "days_content" in case:
        days = case["days_content"]
    else:
        days = [{"week": w, "times": [{"begin_time": b, "end_time": e} for b, e in case["times"]]}
                for w in case["content"]]
    content = {"content": days, "skip_holiday": case["skip_holiday"]}
    zone = ZONES.index(case["zone"]) if case["zone"] in ZONES else 0
    for probe in case.get("open", [])[:3]:
        write("schedule", bytes([zone, 0b1100]) + probe["at"].encode() + b"\xff"
              + json.dumps(content, ensure_ascii=False).encode() + b"\xff"
              + '[{"name":"元旦","date":"2027-01-01","isOffDay":true}]'.encode())
