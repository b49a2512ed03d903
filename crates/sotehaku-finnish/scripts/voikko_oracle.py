#!/usr/bin/env python3
"""Test oracle: analyse words with libvoikko (python3-libvoikko + voikko-fi) and print JSON.

Reads one word per line on stdin and prints one JSON object per line:
{"word": ..., "analyses": [{"BASEFORM": ..., "STRUCTURE": ..., "CLASS": ..., "FSTOUTPUT": ..., "WORDBASES": ...}]}
Exits with status 3 (and a message on stderr) when libvoikko cannot be imported or has no Finnish dictionary.
Used only by sotehaku-finnish's differential test; nothing in sotehaku needs libvoikko at run time.
"""
import json
import sys

KEYS = ("BASEFORM", "STRUCTURE", "CLASS", "FSTOUTPUT", "WORDBASES")


def load():
    try:
        import libvoikko  # noqa: F401
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-libvoikko under another interpreter
        try:
            import libvoikko  # noqa: F401
        except ImportError as err:
            print(f"voikko_oracle: libvoikko not importable: {err}", file=sys.stderr)
            sys.exit(3)
    try:
        return libvoikko.Voikko("fi")
    except Exception as err:  # libvoikko raises its own exception types
        print(f"voikko_oracle: no Finnish dictionary: {err}", file=sys.stderr)
        sys.exit(3)


def main():
    voikko = load()
    out = sys.stdout
    for line in sys.stdin:
        word = line.rstrip("\n")
        analyses = []
        if word:
            for analysis in voikko.analyze(word):
                analyses.append({k: analysis.get(k) for k in KEYS})
        out.write(json.dumps({"word": word, "analyses": analyses}, ensure_ascii=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
