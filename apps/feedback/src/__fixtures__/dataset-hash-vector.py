#!/usr/bin/env python3
# python3 apps/feedback/src/__fixtures__/dataset-hash-vector.py (Python 3.11, hashlib + json only)
# prints the two hashes used in apps/feedback/src/dataset.postgres.test.ts.
# Known-answer vector for the dataset version hash: sha256 over the canonical
# JSON (sorted keys, no whitespace, UTF-8) of a tiny list of item contents.
import hashlib, json
items = [
    {
        "key": "11111111-1111-4111-8111-111111111111",
        "requestId": "req-1",
        "input": {"text": "Flywheels store energy.", "lang": "en"},
        "output": "Short.",
        "expectedOutput": None,
        "feedback": {"n": 2, "meanRating": 1.5, "minRating": 1, "maxRating": 2, "thumbsUp": 0, "thumbsDown": 1,
                     "meanScore": None, "texts": ["too short", "wrong"], "sources": ["ANNOTATOR", "USER"]},
        "feedbackIds": ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"],
        "promptVersionId": "22222222-2222-4222-8222-222222222222",
        "promptVersionHash": "31616d829d61" + "0" * 52,
        "modelVersionId": None,
        "experimentId": "33333333-3333-4333-8333-333333333333",
        "variant": "B",
    },
    {
        "key": "44444444-4444-4444-8444-444444444444",
        "requestId": "req-2",
        "input": "Ünïcode input ✓",
        "output": "a\nb \"quoted\"",
        "expectedOutput": "corrected",
        "feedback": {"n": 1, "meanRating": 2, "minRating": 2, "maxRating": 2, "thumbsUp": 0, "thumbsDown": 0,
                     "meanScore": 0.25, "texts": [], "sources": ["USER"]},
        "feedbackIds": ["cccccccc-cccc-4ccc-8ccc-cccccccccccc"],
        "promptVersionId": None,
        "promptVersionHash": None,
        "modelVersionId": "55555555-5555-4555-8555-555555555555",
        "experimentId": None,
        "variant": None,
    },
]
text = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
print(hashlib.sha256(text.encode("utf-8")).hexdigest())
print(hashlib.sha256(json.dumps([], separators=(",", ":")).encode()).hexdigest())
