"""Turns tests/vectors/*.json into a line format the C tests read without a JSON parser:

    V <TAB> payload-json
    I <TAB> payload-json <TAB> path <US> path ...
    R <TAB> fault-json <TAB> status-name <TAB> http-status <TAB> group-json or "-"
    U <TAB> update-json <TAB> "OK" or path <US> path ...
    E <TAB> saved-json <TAB> wanted-json <TAB> 1 (equal) or 0
    M <TAB> seed-json <TAB> create-json <TAB> update-json <TAB> max-retries <TAB> timeout-ms
    F <TAB> fault-name <TAB> fault-json or "refused" <TAB> operation <TAB> status-name <TAB> requests

    S <TAB> group-json <TAB> zone <TAB> makeup-weekday or -1 <TAB> assume-no-holidays 0/1
    SO <TAB> unix-seconds <TAB> 1, 0 or E<year>
    SN <TAB> unix-seconds <TAB> "start end", "none" or E<year>
    SW <TAB> from <TAB> to <TAB> open-seconds <TAB> start,end;start,end...
    SS <TAB> summary zh <TAB> summary en

(M comes once, before the F lines: the settings of faults.json, the fault matrix. The S
lines come from schedule.json; each SO/SN/SW/SS line belongs to the S line above it, and
instants that are not whole seconds are left out: the C API takes Unix seconds.)

JSON is written compactly (serde_json's form), so a saved group compares as a string.
Usage: python3 vectors_to_text.py VECTORS_DIR > vectors.txt
"""

import json
import pathlib
import sys

STATUS = {
    "validation": "VALIDATION",
    "authentication": "AUTHENTICATION",
    "not_found": "NOT_FOUND",
    "rate_limited": "RATE_LIMITED",
    "api": "API",
    "server": "SERVER",
    "decode": "DECODE",
    "timeout": "TIMEOUT",
    "connection": "CONNECTION",
    "ok": "OK",
}


def compact(value):
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert "\t" not in text and "\n" not in text
    return text


def main() -> None:
    root = pathlib.Path(sys.argv[1])
    new_group = json.loads((root / "new_group.json").read_text(encoding="utf-8"))
    for case in new_group["valid"]:
        print(f"V\t{compact(case['payload'])}")
    for case in new_group["invalid"]:
        print(f"I\t{compact(case['payload'])}\t" + "\x1f".join(case["problems"]))
    responses = json.loads((root / "group_responses.json").read_text(encoding="utf-8"))
    for case in responses["responses"]:
        fault = {"status": case["status"], "body": case["body"]}
        if "retry-after" in case["headers"]:
            fault["retry_after"] = case["headers"]["retry-after"]
        if "group" in case:
            print(f"R\t{compact(fault)}\tOK\t{case['status']}\t{compact(case['group'])}")
        else:
            err = case["error"]
            print(f"R\t{compact(fault)}\t{STATUS[err['kind']]}\t{err['http_status']}\t-")

    updates = json.loads((root / "update_payloads.json").read_text(encoding="utf-8"))
    for case in updates["valid"]:
        print(f"U\t{compact(case['payload'])}\tOK")
    for case in updates["invalid"]:
        print(f"U\t{compact(case['payload'])}\t" + "\x1f".join(case["problems"]))
    ensure = json.loads((root / "ensure_comparisons.json").read_text(encoding="utf-8"))
    for case in ensure["cases"]:
        print(f"E\t{compact(case['saved'])}\t{compact(case['wanted'])}\t{1 if case['equal'] else 0}")
    matrix = json.loads((root / "faults.json").read_text(encoding="utf-8"))
    client = matrix["client"]
    print(f"M\t{compact(matrix['seed'])}\t{compact(matrix['create'])}\t{compact(matrix['update'])}"
          f"\t{client['max_retries']}\t{client['timeout_ms']}")
    for fault in matrix["faults"]:
        spec = "refused" if fault.get("refused") else compact({**fault["fault"], "times": 99})
        for op in matrix["operations"]:
            want = fault["expect"][op]
            print(f"F\t{fault['name']}\t{spec}\t{op}\t{STATUS[want['kind']]}\t{want['requests']}")
    schedule_lines(root)


def unix(text):
    import datetime

    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.microsecond:
        return None
    return int(t.timestamp())


def schedule_lines(root):
    cases = json.loads((root / "schedule.json").read_text(encoding="utf-8"))["cases"]
    for case in cases:
        if "days_content" in case:
            content = case["days_content"]
        else:
            times = [{"begin_time": a, "end_time": b} for a, b in case["times"]]
            content = [{"week": w, "times": times} for w in case["content"]]
        group = {"content": content, "skip_holiday": case["skip_holiday"]}
        print(f"S\t{compact(group)}\t{case['zone']}\t{case.get('makeup_as_weekday', -1)}"
              f"\t{1 if case.get('assume_no_holidays') else 0}")
        for q in case.get("open", []):
            t = unix(q["at"])
            if t is not None:
                want = f"E{q['year']}" if "error" in q else ("1" if q["open"] else "0")
                print(f"SO\t{t}\t{want}")
        for q in case.get("next", []):
            t = unix(q["at"])
            if "error" in q:
                want = f"E{q['year']}"
            elif q["window"] is None:
                want = "none"
            else:
                want = f"{unix(q['window'][0])} {unix(q['window'][1])}"
            print(f"SN\t{t}\t{want}")
        for q in case.get("windows", []):
            spans = ";".join(f"{unix(a)},{unix(b)}" for a, b in q["intervals"]) or "-"
            print(f"SW\t{unix(q['from'])}\t{unix(q['to'])}\t{q['open_seconds']}\t{spans}")
        if "summary" in case:
            print(f"SS\t{case['summary']['zh']}\t{case['summary']['en']}")


if __name__ == "__main__":
    main()
