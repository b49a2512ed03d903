#!/usr/bin/env python3
"""Builds the seed-based pages of the extraction test set (run once; its output is committed).

Each seed text from ../shared/seeds is split by hand (the SPLIT table below, decided by reading each seed) into
title, date, body paragraphs and boilerplate, then wrapped in a realistic county-site template with navigation,
cookie banner, breadcrumbs, share buttons, related-news lists naming other regions, comment forms and footers.
The gold file holds the body paragraphs exactly as placed in the article.
"""
import html, os, sys

SEEDS = os.path.join(os.path.dirname(__file__), "../../../../shared/seeds")

# seed file -> (title line index, date string or None, first body line, lines to treat as boilerplate, stop marker)
SPLIT = {
    "000_f53190989472bf56.txt": dict(template="wordpress", county="Päijät-Hämeen hyvinvointialue", date="19.11.2021",
                                      drop=[], stop=None),
    "001_746d83d4d6cd5200.txt": dict(template="drupal", county="Päijät-Hämeen maakuntauudistus", date=None,
                                      drop=["15.11.2018"], stop=None),
    "002_a61b180ae74d3516.txt": dict(template="wordpress", county="Keski-Suomen hyvinvointialue", date=None,
                                      drop=["Hyppää pääsisältöön", "2.2.2022"], stop=None),
    "004_4ccf5ed928729998.txt": dict(template="drupal", county="Uudenmaan maakuntauudistus", date=None,
                                      drop=["Uutiset", "24.1.2018", "Ainesosia"], stop="Palaa otsikoihin"),
}

RELATED = ["Kainuun hyvinvointialue aloitti toimintansa", "Satakunnan sote-keskukset uudistuvat",
           "Lapin ensihoito vahvistuu", "Pirkanmaan aluevaltuusto kokoontui"]


def paragraphs(path, cfg):
    lines = [l.strip() for l in open(path, encoding="utf-8").read().split("\n")]
    lines = [l for l in lines if l]
    out, title = [], None
    for l in lines:
        if cfg["stop"] and l.startswith(cfg["stop"]):
            break
        if l in cfg["drop"]:
            continue
        if title is None:
            title = l
            continue
        out.append(l)
    return title, out


def wordpress(title, paras, county, date):
    body = "\n".join(f"    <p>{html.escape(p)}</p>" for p in paras)
    related = "".join(f'<li><a href="/uutiset/{i}/">{html.escape(r)}</a> <time>1.{i+1}.2022</time></li>'
                      for i, r in enumerate(RELATED))
    meta = f'<p class="entry-meta">Julkaistu {date}</p>' if date else ""
    return f"""<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>{html.escape(title)} – {html.escape(county)}</title></head>
<body>
<div id="cookie-notice" class="cookie-banner">Tämä sivusto käyttää evästeitä. Käyttämällä sivustoa hyväksyt evästeiden käytön. <button>Hyväksy kaikki evästeet</button> <a href="/evasteet/">Lue lisää evästeistä</a></div>
<a class="skip-link" href="#main">Hyppää pääsisältöön</a>
<header class="site-header"><a href="/" class="logo">{html.escape(county)}</a>
<nav class="main-navigation"><ul><li><a href="/palvelut/">Palvelut</a></li><li><a href="/valmistelu/">Valmistelu</a></li><li><a href="/paatoksenteko/">Päätöksenteko</a></li><li><a href="/ajankohtaista/">Ajankohtaista</a></li><li><a href="/yhteystiedot/">Yhteystiedot</a></li><li><a href="/sv/">På svenska</a></li></ul></nav>
<form role="search"><input name="s" placeholder="Hae sivustolta"><button>Hae</button></form></header>
<nav class="breadcrumbs"><a href="/">Etusivu</a> › <a href="/ajankohtaista/">Ajankohtaista</a> › {html.escape(title)}</nav>
<main id="main"><article class="post type-post">
  <header><h1 class="entry-title">{html.escape(title)}</h1>{meta}</header>
  <div class="entry-content">
{body}
  </div>
  <div class="share-buttons">Jaa: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Sähköposti</a></div>
</article>
<section id="comments" class="comments-area"><h2>Kommentoi</h2><form><label>Nimi</label><input><label>Kommentti</label><textarea></textarea><button>Lähetä kommentti</button></form></section>
<aside class="widget-area"><h2>Uusimmat uutiset</h2><ul>{related}</ul></aside></main>
<footer class="site-footer"><p>{html.escape(county)} · Kirjaamo, PL 100, 15101 Esimerkkilä · puh. 03 000 000</p><ul><li><a href="/saavutettavuus/">Saavutettavuusseloste</a></li><li><a href="/tietosuoja/">Tietosuoja</a></li><li><a href="/evasteet/">Evästeasetukset</a></li></ul></footer>
</body></html>
"""


def drupal(title, paras, county, date):
    body = "\n".join(f"      <p>{html.escape(p)}</p>" for p in paras)
    lue = "".join(f'<div class="views-row"><a href="/node/{i}">{html.escape(r)}</a></div>' for i, r in enumerate(RELATED))
    return f"""<!DOCTYPE html>
<html lang="fi" dir="ltr"><head><meta charset="utf-8"><title>{html.escape(title)} | {html.escape(county)}</title>
<meta name="description" content="{html.escape(paras[0][:150])}"></head>
<body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">Siirry pääsisältöön</a>
<div class="dialog-off-canvas-main-canvas">
<div id="block-eu-cookie-compliance" class="eu-cookie-compliance-banner">Käytämme evästeitä parantaaksemme käyttökokemusta. <button>Hyväksy</button> <button>Vain välttämättömät evästeet</button></div>
<div class="region region-header"><div class="site-branding">{html.escape(county)}</div>
<div id="block-mainmenu" class="menu--main"><ul class="menu"><li><a href="/etusivu">Etusivu</a></li><li><a href="/uutiset">Uutiset</a></li><li><a href="/valmistelu">Valmistelu</a></li><li><a href="/muutosblogi">Muutosblogi</a></li><li><a href="/materiaalit">Materiaalit</a></li></ul></div></div>
<div class="region region-breadcrumb"><ol class="breadcrumb"><li>Etusivu</li><li>Uutiset</li></ol></div>
<div class="layout-container"><main role="main"><a id="main-content" tabindex="-1"></a>
  <div class="region region-content"><article class="node node--type-article">
    <h1 class="page-title"><span>{html.escape(title)}</span></h1>
    <div class="node__content"><div class="field field--name-body field--type-text-with-summary">
{body}
    </div></div>
  </article></div>
</main>
<div class="region region-sidebar-second"><div class="block-views-blockuutiset-block-1"><h2>Lue myös</h2>{lue}</div>
<div class="block-tags"><h2>Avainsanat</h2><a href="/tag/sote">sote</a> <a href="/tag/maakunta">maakunta</a></div></div></div>
<div class="region region-footer"><p>Palautetta sivustosta: palaute@esimerkki.fi</p><p>© 2018 Maakuntauudistus · Tietosuojaseloste · Saavutettavuus</p></div>
</div></body></html>
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for n, (name, cfg) in enumerate(sorted(SPLIT.items())):
        title, paras = paragraphs(os.path.join(SEEDS, name), cfg)
        page = (wordpress if cfg["template"] == "wordpress" else drupal)(title, paras, cfg["county"], cfg["date"])
        stem = f"seed{name[:3]}_{cfg['template']}"
        open(os.path.join(here, stem + ".html"), "w", encoding="utf-8").write(page)
        open(os.path.join(here, stem + ".gold.txt"), "w", encoding="utf-8").write("\n\n".join(paras) + "\n")



def docshare():
    """Seed 003 is a document-sharing page: title, a long "Samankaltaiset tiedostot" list, then the transcript."""
    here = os.path.dirname(os.path.abspath(__file__))
    lines = [l.strip() for l in open(os.path.join(SEEDS, "003_0d6851690b80626c.txt"), encoding="utf-8")]
    lines = [l for l in lines if l]
    title = lines[0]
    start = lines.index("Transkriptio:")
    related = [l for l in lines[2:start]]
    transcript = lines[start + 1:]
    rel = "".join(f'<li><a href="/doc/{i}/">{html.escape(r)}</a></li>' for i, r in enumerate(related))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in transcript)
    page = f"""<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{html.escape(title)} - Docplayer.fi</title></head>
<body><div class="top-bar"><a href="/">Docplayer</a><form class="search-form"><input name="q"><button>Haku</button></form><a href="/login">Kirjaudu sisään</a></div>
<div class="page"><h1>{html.escape(title)}</h1>
<div class="doc-info">Koko: px · Aloita näyttäminen sivulta:</div>
<div class="related-docs"><h2>Samankaltaiset tiedostot</h2><ul>{rel}</ul></div>
<div id="transcript" class="content"><h2>Transkriptio</h2>
{body}
</div></div>
<div class="footer">© 2024 Docplayer · Tietosuoja · Evästeet · Ota yhteyttä</div></body></html>
"""
    open(os.path.join(here, "seed003_docshare.html"), "w", encoding="utf-8").write(page)
    open(os.path.join(here, "seed003_docshare.gold.txt"), "w", encoding="utf-8").write("\n\n".join(transcript) + "\n")


if __name__ == "__main__":
    main()
    docshare()
