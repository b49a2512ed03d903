#!/usr/bin/env python3
"""Copies the real meeting-system pages used in the extraction test set and writes their gold main text.

The pages come from ../shared/fixtures/real-platforms (MIT test data, "Copyright (c) 2017 6Aika"). The main text of
each page was decided by reading it: it runs from the first line of the item (archive code or title) to the last line
of the decision, attachments list included, and leaves out the system's navigation ("Edellinen asia | Seuraava asia",
"Kokousasia PDF-muodossa", body and meeting links, "Avaa haku"). The gold is the page's visible text between those two
lines (inclusive), one line per text node; the F1 measure compares words, so line breaks do not matter.
"""
import html, os, re, shutil

REAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/fixtures/real-platforms")
PAGES = [
    ("espoo/2017409886-4.HTM", "espoo_dynasty_item_2017409886-4", "5316/2016", "valtuustokauden aikana."),
    ("espoo/2013262303-5.HTM", "espoo_dynasty_item_2013262303-5", "3700/11.01.00", "kokouksessa."),
    ("espoo/2017406946-3.HTM", "espoo_dynasty_item_2017406946-3", "730/2017", "Kaupunginhallitus jätti asian yksimielisesti pöydälle."),
    ("turku/turku_kh_2017-02-05-190.htm", "turku_minutes_190", "5024-2017 (010)", "Päivitys 30.3.2017. Muutokset näkyvillä"),
    ("turku/turku_kh_2017-02-05-195.htm", "turku_minutes_195", "3720-2013 (611)", "Osayleiskaavan selostus, muutettu 26.4.2017 (KSYLK § 132)"),
]


def visible_lines(raw):
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        s = raw.decode("cp1252")
    s = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>", "", s)
    t = html.unescape(re.sub(r"<[^>]+>", "\n", s))
    return [" ".join(l.split()) for l in t.split("\n") if l.strip()]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for src, stem, start, end in PAGES:
        raw = open(os.path.join(REAL, src), "rb").read()
        lines = visible_lines(raw)
        if start is None:
            print(f"--- {src}: choose start/end from these lines")
            for i, l in enumerate(lines):
                print(i, l[:120])
            continue
        i = lines.index(start)
        j = max(k for k, l in enumerate(lines) if l == end)
        ext = os.path.splitext(src)[1].lower()
        shutil.copyfile(os.path.join(REAL, src), os.path.join(here, stem + ext))
        open(os.path.join(here, stem + ".gold.txt"), "w", encoding="utf-8").write("\n".join(lines[i:j + 1]) + "\n")


if __name__ == "__main__":
    main()
