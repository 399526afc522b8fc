#!/usr/bin/env python3
"""Builds the extraction corpus: realistic news pages written for newsflow.

Each page NAME gets NAME.html (in its charset), NAME.page.json (how it was
served: url, content type, charset header) and NAME.truth.txt (the article
body a human would select: paragraphs and subheadings, blank-line
separated; empty for pages that are not articles). Run from this folder:
    python3 make_corpus.py
The pages are committed; this script documents how they were made.
The second batch of pages is in layouts2.py (texts in articles2.py).
"""
import html, json, os
from articles import ARTICLES

E = html.escape

def paras_html(paras, tag="p", hclass=None):
    out = []
    for p in paras:
        if p.startswith("## "):
            out.append(f"<h2>{E(p[3:])}</h2>")
        else:
            out.append(f"<{tag}>{E(p)}</{tag}>")
    return out

def truth_of(paras):
    return "\n\n".join(p[3:] if p.startswith("## ") else p.lstrip("-| ").replace(" | ", " ") for p in paras) + "\n"

def jsonld(a, url, typ="NewsArticle", extra=None, site="The Daily Courier"):
    d = {"@context": "https://schema.org", "@type": typ, "headline": a["title"],
         "datePublished": a["date"], "dateModified": a["date"],
         "author": [{"@type": "Person", "name": n} for n in a["authors"]],
         "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": "https://static.example/logo.png"}},
         "mainEntityOfPage": {"@type": "WebPage", "@id": url},
         "image": ["https://img.example/lead-1200.jpg"], "inLanguage": a["lang"], "description": a["dek"]}
    if extra:
        d.update(extra)
    return '<script type="application/ld+json">' + json.dumps(d, ensure_ascii=False) + "</script>"

ANALYTICS = """<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-XXXX');
var s=document.createElement('script');s.src='https://ads.example/tag.js?site=courier&<p>not text</p>';document.head.appendChild(s);</script>"""
STYLE = "<style>body{font-family:Georgia,serif}.ad-slot{min-height:250px}.share-tools a{display:inline-block}</style>"

def nav(items):
    return '<nav class="main-nav" aria-label="Main"><ul>' + "".join(f'<li><a href="/{i.lower()}">{E(i)}</a></li>' for i in items) + "</ul></nav>"

def related_list(title, heads, cls="related"):
    return (f'<aside class="{cls}"><h2>{E(title)}</h2><ul>' +
            "".join(f'<li><a href="/story/{k}">{E(h)}</a></li>' for k, h in enumerate(heads)) + "</ul></aside>")

COOKIE_EN = ('<div id="cookie-banner" class="cookie-consent" role="dialog"><p>We use cookies and similar technologies to '
             'improve your experience, measure our audience and show you personalised ads. By clicking "Accept all" you '
             'agree to the use of cookies as described in our <a href="/cookies">cookie policy</a>.</p>'
             '<button>Accept all</button><button>Manage preferences</button></div>')
SHARE = ('<div class="share-tools"><span>Share this article</span><a href="https://facebook.example/share">Facebook</a>'
         '<a href="https://x.example/intent">Twitter</a><a href="mailto:?subject=story">Email</a><button>Copy link</button></div>')
NEWSLETTER = ('<div class="newsletter-signup"><h3>Get our morning briefing</h3><p>Sign up to receive the day\'s most important '
              'stories in your inbox every morning, with analysis from our correspondents around the world.</p>'
              '<form action="/subscribe"><input type="email" placeholder="Your email"><button>Sign up</button></form></div>')
AD = '<div class="ad-slot ad-mpu" data-slot="mpu-1"><span class="ad-label">Advertisement</span><div id="div-gpt-ad-1"></div></div>'
FOOTER_EN = ('<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
             '<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>'
             '<p>&copy; 2024 The Daily Courier Ltd. All rights reserved. Registered in England No. 123456.</p></footer>')
HEADS = ["Council approves budget after marathon session", "Rail fares to rise by 4.9% in March",
         "Police appeal for witnesses after bridge crash", "Hospital waiting lists fall for third month",
         "Festival line-up announced for summer", "Coastal path reopens after landslip repairs"]

def page(head, body, lang="en", extra_html_attr=""):
    return f'<!DOCTYPE html>\n<html lang="{lang}"{extra_html_attr}>\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'

def meta_common(a, url, site, image="https://img.example/lead-1200.jpg", ogtype="article"):
    return "\n".join([
        '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<title>{E(a["title"])} | {E(site)}</title>',
        f'<meta name="description" content="{E(a["dek"])}">',
        f'<meta property="og:title" content="{E(a["title"])}">', f'<meta property="og:type" content="{ogtype}">',
        f'<meta property="og:url" content="{url}">', f'<meta property="og:image" content="{image}">',
        f'<meta property="og:site_name" content="{E(site)}">', f'<meta property="og:description" content="{E(a["dek"])}">',
        f'<meta property="article:published_time" content="{a["date"]}">',
        f'<link rel="canonical" href="{url}">', STYLE, ANALYTICS])

def byline_html(a):
    return (f'<div class="byline">By <a rel="author" href="/authors/x">{E(" and ".join(a["authors"]))}</a></div>'
            f'<time datetime="{a["date"]}" class="published">Published {a["date"][:10]}</time>')

# ---------------------------------------------------------------- layouts

def modern(name, a):
    url = "https://www.dailycourier.example/news/2024/02/11/storm-surge-floods-harbour"
    ps = paras_html(a["paras"])
    body_parts = ps[:3] + [AD] + ps[3:5] + ['<p><strong>Read more:</strong> <a href="/news/sea-level">Why sea levels are rising faster on our coast</a></p>', NEWSLETTER] + ps[5:]
    body = (f'<div class="top-bar"><a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div>'
            f'<header class="site-header"><a class="logo" href="/"><img src="/logo.svg" alt="The Daily Courier"></a>'
            f'<p class="tagline">Independent journalism since 1887</p>{nav(["World", "Politics", "Business", "Climate", "Sport", "Culture"])}</header>'
            f'<main id="main"><article class="story">'
            f'<header class="story-header"><a class="kicker" href="/news/weather">Weather</a><h1 class="headline">{E(a["title"])}</h1>'
            f'<p class="standfirst">{E(a["dek"])}</p>{byline_html(a)}</header>'
            f'<figure class="lead-image"><img src="https://img.example/lead-1200.jpg" width="1200" alt="Flooded street">'
            f'<figcaption>Residents wade through a flooded street in the harbour district. Photo: Jan Berg/Courier</figcaption></figure>'
            f'{SHARE}<div class="article-body">' + "\n".join(body_parts) + '</div>'
            f'<div class="story-tags"><span>Topics:</span><a href="/t/weather">Weather</a><a href="/t/floods">Floods</a></div>{SHARE}'
            f'</article>{related_list("Related stories", HEADS[:4])}</main>'
            f'<div class="most-read"><h2>Most read</h2><ol>' + "".join(f'<li><a href="/mr/{i}">{E(h)}</a></li>' for i, h in enumerate(HEADS)) + '</ol></div>'
            f'{FOOTER_EN}{COOKIE_EN}')
    head = meta_common(a, url, "The Daily Courier") + "\n" + jsonld(a, url)
    return page(head, body), {"url": url + "?utm_source=twitter&utm_medium=social", "content_type": "text/html; charset=utf-8"}

def amp(name, a):
    canon = "https://www.marketwire.example/economy/central-bank-holds-rates"
    url = "https://www-marketwire-example.cdn.ampproject.org/c/s/www.marketwire.example/economy/central-bank-holds-rates/amp"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} - MarketWire</title>',
                      f'<link rel="canonical" href="{canon}">',
                      '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">',
                      '<script async src="https://cdn.ampproject.org/v0.js"></script>',
                      '<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}</style>',
                      '<style amp-custom>.hdr{padding:8px}.body p{line-height:1.5}</style>',
                      jsonld(a, canon, site="MarketWire")])
    body = (f'<header class="hdr"><amp-img src="/logo.png" width="120" height="30" alt="MarketWire"></amp-img>'
            f'<button on="tap:sidebar.toggle" class="menu-btn">Menu</button></header>'
            f'<amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="/markets">Markets</a></li><li><a href="/economy">Economy</a></li><li><a href="/tech">Tech</a></li></ul></amp-sidebar>'
            f'<article><h1>{E(a["title"])}</h1><div class="byline">By {E(a["authors"][0])}</div>'
            f'<time datetime="{a["date"]}">March 20, 2024</time>'
            f'<amp-img src="https://img.example/bank.jpg" width="1200" height="675" layout="responsive" alt="Bank"></amp-img>'
            f'<div class="body">' + "\n".join(ps[:3]) +
            '<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/amp"><div fallback>Advertisement</div></amp-ad>' +
            "\n".join(ps[3:]) + '</div>'
            '<amp-social-share type="twitter"></amp-social-share><amp-social-share type="facebook"></amp-social-share>'
            '</article><footer><p>&copy; 2024 MarketWire. All rights reserved.</p><a href="/privacy">Privacy</a></footer>')
    return page(head, body, extra_html_attr=" amp"), {"url": url, "content_type": "text/html; charset=utf-8"}

def liveblog(name, a):
    url = "https://www.dailycourier.example/politics/live/2024/may/05/election-night-live"
    posts = []
    ps = a["paras"]
    for i in range(0, len(ps), 2):
        h, p = ps[i][3:], ps[i + 1]
        t, head = h.split(" ", 1)
        posts.append(f'<article class="live-post" id="p{i}"><header><time datetime="2024-05-05T{t}:00Z">{t}</time>'
                     f'<a class="permalink" href="#p{i}">Link to this post</a></header><h3>{E(head)}</h3><p>{E(p)}</p>'
                     f'<div class="post-share"><a href="https://x.example/intent">Share</a></div></article>')
    head = meta_common(a, url, "The Daily Courier") + "\n" + jsonld(a, url, typ="LiveBlogPosting", extra={"coverageStartTime": a["date"]})
    body = (f'<header class="site-header"><a class="logo" href="/">The Daily Courier</a>{nav(["Home", "Politics", "Elections", "Opinion"])}</header>'
            f'<main><div class="liveblog"><h1>{E(a["title"])}</h1><p class="standfirst">{E(a["dek"])}</p>'
            f'<div class="key-events"><h2>Key events</h2><ul><li><a href="#p0">Turnout highest in two decades</a></li>'
            f'<li><a href="#p2">Greens claim breakthrough</a></li><li><a href="#p6">First result declared</a></li></ul></div>'
            f'<div class="live-feed">' + "".join(posts) + '</div><button class="load-more">Load more updates</button></div></main>'
            f'{FOOTER_EN}{COOKIE_EN}')
    return page(head, body), {"url": url, "content_type": "text/html"}

def paywall(name, a):
    url = "https://www.financialledger.example/companies/pharma/drugmaker-opioid-settlement"
    ps = paras_html(a["paras"])
    extra = {"isAccessibleForFree": False, "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywalled"}}
    head = meta_common(a, url, "The Financial Ledger") + "\n" + jsonld(a, url, extra=extra, site="The Financial Ledger") + \
        '\n<meta property="article:content_tier" content="locked">'
    body = (f'<header>{nav(["Markets", "Companies", "Opinion", "Personal Finance"])}</header>'
            f'<article><h1>{E(a["title"])}</h1><p class="subhead">{E(a["dek"])}</p>{byline_html(a)}'
            f'<div class="article-body">' + "\n".join(ps) + '<div class="paywalled"></div></div>'
            f'<div class="paywall-prompt"><h2>Subscribe to continue reading</h2><p>Get unlimited access to award-winning journalism, '
            f'expert analysis and our daily newsletters for just $1 a week for the first three months.</p>'
            f'<a class="btn" href="/subscribe">Subscribe now</a><p>Already a subscriber? <a href="/login">Sign in</a></p></div>'
            f'</article>{related_list("More from Companies", HEADS[2:5])}{FOOTER_EN}')
    return page(head, body), {"url": url, "content_type": "text/html; charset=UTF-8"}

def wordpress(name, a):
    url = "https://greenfingers.example/2023/10/02/why-i-stopped-digging/"
    ps = paras_html(a["paras"])
    comments = [("Brian", "Great post. I switched to no-dig last year on my heavy clay and the difference in the soil after one season was remarkable, although the slugs were terrible for me too."),
                ("Sue W.", "Where do you get enough compost for all the beds? I have twelve beds and buying it in would cost a fortune every year, so I am still digging most of them."),
                ("Olivia Hart", "Hi Sue, I make most of it myself from the allotment waste and the council sells green waste compost cheaply in spring, which covers the rest.")]
    cs = "".join(f'<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">{E(n)}</b> '
                 f'<time datetime="2023-10-03T10:00:00+00:00">October 3, 2023 at 10:00 am</time></footer>'
                 f'<div class="comment-content"><p>{E(t)}</p></div><div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article></li>' for n, t in comments)
    head = "\n".join(['<meta charset="UTF-8">', f'<title>{E(a["title"])} &#8211; Green Fingers</title>',
                      f'<link rel="canonical" href="{url}">', '<meta name="generator" content="WordPress 6.3">',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<meta property="article:published_time" content="{a["date"]}">', STYLE])
    body = (f'<div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="/">Green Fingers</a></p>'
            f'<p class="site-description">Notes from an allotment</p><nav id="site-navigation" class="main-navigation"><ul id="primary-menu">'
            f'<li><a href="/">Home</a></li><li><a href="/about">About</a></li><li><a href="/recipes">Recipes</a></li></ul></nav></header>'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">'
            f'<article id="post-412" class="post-412 post type-post status-publish hentry"><header class="entry-header">'
            f'<h1 class="entry-title">{E(a["title"])}</h1><div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="{a["date"]}">October 2, 2023</time></span>'
            f'<span class="byline"> by <span class="author vcard"><a class="url fn n" href="/author/olivia/">{E(a["authors"][0])}</a></span></span></div></header>'
            f'<div class="entry-content">' + "\n".join(ps) +
            f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div>'
            f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3></div></div>'
            f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="/c/soil">Soil</a></span><span class="tags-links">Tagged <a href="/t/no-dig">no-dig</a></span></footer></article>'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on &ldquo;{E(a["title"])}&rdquo;</h2><ol class="comment-list">{cs}</ol>'
            f'<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
            f'<form id="commentform"><p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
            f'<textarea id="comment"></textarea><input type="submit" value="Post Comment"></form></div></div></main></div>'
            f'<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>'
            f'<li><a href="/p1">Saving tomato seeds for next year</a></li><li><a href="/p2">The best green manures for winter</a></li><li><a href="/p3">A year of rhubarb</a></li></ul></section>'
            f'<section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul><li><a href="/2023/09/">September 2023</a></li><li><a href="/2023/08/">August 2023</a></li></ul></section></aside></div>'
            f'<footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.example/">Proudly powered by WordPress</a></div></footer></div>')
    return page(head, body, lang="en-GB"), {"url": url, "content_type": "text/html; charset=UTF-8"}

def gallery(name, a):
    url = "https://news.hillside.example/world/wildfire-forces-evacuation-of-mountain-villages-1.4471"
    ps = paras_html(a["paras"])
    gal = ('<div class="gallery"><div class="gallery-item"><img src="/g1.jpg" width="800"><p class="caption">A firefighting aircraft drops water near the village of Altamira. (Reuters)</p></div>'
           '<div class="gallery-item"><img src="/g2.jpg" width="800"><p class="caption">Residents watch the smoke from a hillside on Wednesday afternoon. (AP)</p></div>'
           '<div class="gallery-item"><img src="/g3.jpg" width="800"><p class="caption">Evacuees rest in a sports hall in the nearest town. (AFP)</p></div>'
           '<div class="gallery-nav"><button>Previous</button><span>1 / 3</span><button>Next</button></div></div>')
    video = ('<div class="video-player"><div class="video-title">Watch: Drone footage shows scale of the fire</div><video src="/v.mp4"></video>'
             '<p class="video-duration">01:42</p></div>')
    box = ('<div class="inline-related"><h4>More on this story</h4><ul><li><a href="/a1">How wildfires are changing Europe\'s forests</a></li>'
           '<li><a href="/a2">Heatwave: What are the health risks?</a></li></ul></div>')
    head = meta_common(a, url, "Hillside News") + "\n" + jsonld(a, url, site="Hillside News")
    body = (f'<div class="page-wrapper"><div class="header">{nav(["Home", "World", "Europe", "Climate", "Video"])}</div>'
            f'<div class="content-wrapper"><div class="story-body"><h1 class="story-title">{E(a["title"])}</h1>'
            f'<p class="story-intro"><b>{E(a["dek"])}</b></p><p class="author-line">Carlos Mendes, Southern Europe correspondent</p>{gal}'
            + "\n".join(ps[:2]) + video + "\n".join(ps[2:4]) + box + "\n".join(ps[4:]) +
            f'</div><div class="sidebar"><div class="most-popular"><h3>Most popular</h3><ol>' +
            "".join(f'<li><a href="/p/{i}">{E(h)}</a></li>' for i, h in enumerate(HEADS)) + '</ol></div>'
            f'<div class="ad-slot">Advertisement</div></div></div>{FOOTER_EN.replace("The Daily Courier", "Hillside News")}</div>')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}

def listtable(name, a):
    url = "https://www.dailycourier.example/education/2024/jun/03/school-funding-plan-explained"
    out = []
    ul, tbl = [], []
    for p in a["paras"]:
        if p.startswith("- "):
            ul.append(f"<li>{E(p[2:])}</li>")
            continue
        if ul:
            out.append("<ul>" + "".join(ul) + "</ul>"); ul = []
        if p.startswith("| "):
            cells = p[2:].split(" | ")
            if cells[0] != "Phase":
                tbl.append("<tr>" + "".join(f"<td>{E(c)}</td>" for c in cells) + "</tr>")
            continue
        if tbl:
            out.append('<table class="data"><thead><tr><th>Phase</th><th>2023</th><th>2024</th></tr></thead><tbody>' + "".join(tbl) + "</tbody></table>"); tbl = []
        out.append(f"<p>{E(p)}</p>")
    head = meta_common(a, url, "The Daily Courier") + "\n" + jsonld(a, url)
    body = (f'<header class="site-header"><a class="logo" href="/">The Daily Courier</a>{nav(["News", "Education", "Money", "Family"])}</header>'
            f'<main><article><h1>{E(a["title"])}</h1><p class="standfirst">{E(a["dek"])}</p>{byline_html(a)}{SHARE}'
            f'<div class="article-body">' + "\n".join(out) + f'</div></article>{related_list("Related", HEADS[:3])}</main>{FOOTER_EN}')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}

def oldschool(name, a):
    url = "http://www.millbrookgazette.example/news/story.asp?id=20881&cat=local"
    body_txt = "<br><br>\n".join(E(p) for p in a["paras"])
    body = (f'<table width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td colspan="2" bgcolor="#003366">'
            f'<img src="/images/masthead.gif" width="760" height="90" alt="Millbrook Gazette"></td></tr>'
            f'<tr><td width="160" valign="top" bgcolor="#eeeeee"><font size="2"><a href="/">Home</a><br><a href="/news/">News</a><br>'
            f'<a href="/sport/">Sport</a><br><a href="/letters/">Letters</a><br><a href="/classifieds/">Classifieds</a><br>'
            f'<a href="/weather/">Weather</a><br><a href="/contact/">Contact us</a></font></td>'
            f'<td valign="top"><font face="Arial" size="4"><b>{E(a["title"])}</b></font><br>'
            f'<font size="1" color="#666666">14 November 2022</font><br><br><font face="Arial" size="2">{body_txt}</font><br><br>'
            f'<font size="1"><a href="/news/">&lt;&lt; Back to news</a> | <a href="javascript:window.print()">Print this story</a> | '
            f'<a href="/email.asp?id=20881">Email this story</a></font></td></tr>'
            f'<tr><td colspan="2" align="center"><font size="1">Copyright &copy; 2022 Millbrook Gazette. All rights reserved.</font></td></tr></table>')
    head = f'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n<title>{E(a["title"])} - Millbrook Gazette</title>'
    doc = f'<html>\n<head>\n{head}\n</head>\n<body bgcolor="#ffffff">\n{body}\n</body>\n</html>\n'
    return doc, {"url": url, "content_type": "text/html"}

def german(name, a):
    url = "https://www.tageskurier.example/wirtschaft/bahn-generalsanierung-strecken-a-88123.html"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
                      f'<title>{E(a["title"])} - Tageskurier</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      '<meta property="og:site_name" content="Tageskurier">', '<meta property="og:locale" content="de_DE">',
                      f'<meta name="date" content="{a["date"]}">', f'<meta name="author" content="{E(a["authors"][0])}">',
                      f'<link rel="canonical" href="{url}">', ANALYTICS])
    body = (f'<div id="kopf"><a href="/" class="logo">Tageskurier</a><ul class="navigation"><li><a href="/politik">Politik</a></li>'
            f'<li><a href="/wirtschaft">Wirtschaft</a></li><li><a href="/panorama">Panorama</a></li><li><a href="/sport">Sport</a></li></ul></div>'
            f'<div class="breadcrumb"><a href="/">Startseite</a> &gt; <a href="/wirtschaft">Wirtschaft</a></div>'
            f'<div class="artikel"><span class="dachzeile">Deutsche Bahn</span><h1>{E(a["title"])}</h1><p class="vorspann"><strong>{E(a["dek"])}</strong></p>'
            f'<div class="autor">Von {E(a["authors"][0])}</div><div class="datum">18.04.2024, 10:15 Uhr</div>'
            f'<div class="artikel-text">' + "\n".join(ps[:2]) + '<div class="werbung"><span>Anzeige</span></div>' + "\n".join(ps[2:4]) +
            '<p class="weiterlesen"><a href="/a-1">Lesen Sie auch: Was Pendler jetzt wissen müssen</a></p>' + "\n".join(ps[4:]) + '</div>'
            f'<div class="mehr-zum-thema"><h3>Mehr zum Thema</h3><ul><li><a href="/x1">Streik bei der Bahn: Was Reisende wissen müssen</a></li>'
            f'<li><a href="/x2">Deutschlandticket wird teurer</a></li></ul></div>'
            f'<div class="teilen">Artikel teilen: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a></div></div>'
            f'<div id="fuss"><p>&copy; Tageskurier 2024 &middot; <a href="/impressum">Impressum</a> &middot; <a href="/datenschutz">Datenschutz</a></p></div>'
            f'<div class="cmp-banner"><p>Wir verwenden Cookies und ähnliche Technologien, um Inhalte zu personalisieren und Werbung anzuzeigen. '
            f'Mit „Alle akzeptieren“ stimmen Sie der Verwendung zu.</p><button>Alle akzeptieren</button></div>')
    return page(head, body, lang="de"), {"url": url, "content_type": "text/html"}

def french(name, a):
    url = "https://www.lejournal.example/regions/bourgogne/vendanges-precoces_6123.html"
    ps = paras_html(a["paras"])
    head = "\n".join([f'<title>{E(a["title"])} - Le Journal</title>',
                      f'<meta name="description" content="{E(a["dek"])}">',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:locale" content="fr_FR">',
                      f'<meta property="article:published_time" content="{a["date"]}">',
                      f'<meta property="og:image" content="/images/vendanges.jpg">'])
    body = (f'<header class="header"><div class="header__logo"><a href="/">Le Journal</a></div>{nav(["International", "Politique", "Économie", "Régions", "Culture"])}</header>'
            f'<main class="main"><article class="article"><h1 class="article__title">{E(a["title"])}</h1>'
            f'<p class="article__desc">{E(a["dek"])}</p><p class="article__author">Par {E(a["authors"][0])}</p>'
            f'<div class="article__content">' + "\n".join(ps[:2]) +
            '<p class="article__readmore"><span>Lire aussi :</span> <a href="/x">Le prix du vin s\'envole à l\'export</a></p>' + "\n".join(ps[2:]) +
            f'</div></article><section class="services"><h2>Les plus lus</h2><ul><li><a href="/1">Grève : le trafic perturbé</a></li><li><a href="/2">Météo : retour de la pluie</a></li></ul></section></main>'
            f'<div class="didomi-notice"><p>Nous utilisons des cookies pour mesurer l\'audience et vous proposer des publicités adaptées. '
            f'Vous pouvez accepter ou refuser.</p><button>Accepter</button><button>Refuser</button></div>')
    return page(head, body, lang="fr"), {"url": url, "content_type": "text/html", "charset": "ISO-8859-1"}

def spanish_divsoup(name, a):
    url = "https://www.diariodelmar.example/catalunya/2024/02/01/emergencia-sequia-barcelona-1234.html"
    txt = "<br><br>".join(E(p) for p in a["paras"])
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | Diario del Mar</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<meta name="author" content="{E(" y ".join(a["authors"]))}">'])
    body = (f'<div class="cabecera"><div class="logo">Diario del Mar</div><div class="menu"><a href="/">Portada</a> <a href="/espana">España</a> '
            f'<a href="/catalunya">Catalunya</a> <a href="/deportes">Deportes</a></div></div>'
            f'<div class="contenedor"><div class="col-izq"><div class="titular">{E(a["title"])}</div>'
            f'<div class="entradilla">{E(a["dek"])}</div><div class="firma">{E(" y ".join(a["authors"]))}</div>'
            f'<div class="fecha">01/02/2024 13:20</div><div class="cuerpo-noticia">{txt}</div>'
            f'<div class="compartir">Compartir en <a href="#">Facebook</a> <a href="#">Twitter</a></div>'
            f'<div class="noticias-relacionadas"><b>Noticias relacionadas</b><br><a href="/r1">El Ebro registra su caudal más bajo</a><br><a href="/r2">Los agricultores piden ayudas</a></div></div>'
            f'<div class="col-der"><div class="publicidad">Publicidad</div><div class="lo-mas-leido"><b>Lo más leído</b><br><a href="/m1">Resultados de la lotería</a><br><a href="/m2">El tiempo para el fin de semana</a></div></div></div>'
            f'<div class="pie">© Diario del Mar. Todos los derechos reservados.</div>')
    return page(head, body, lang="es"), {"url": url, "content_type": "text/html; charset=utf-8"}

def polish(name, a):
    url = "https://wiadomosci.gazetamiejska.example/miasto/nowy-most-otwarty,123456.html"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta charset="iso-8859-2">', f'<title>{E(a["title"])} - Gazeta Miejska</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      jsonld(a, url, site="Gazeta Miejska")])
    body = (f'<div class="top">{nav(["Wiadomości", "Sport", "Kultura", "Pogoda"])}</div>'
            f'<div class="art"><h1>{E(a["title"])}</h1><div class="lead">{E(a["dek"])}</div><div class="author">{E(a["authors"][0])}</div>'
            f'<div class="art-body">' + "\n".join(ps[:2]) + '<div class="reklama">Reklama</div>' + "\n".join(ps[2:]) + '</div>'
            f'<div class="zobacz-tez"><h3>Zobacz także</h3><ul><li><a href="/1">Remont tramwajów na Woli</a></li><li><a href="/2">Nowe buspasy w centrum</a></li></ul></div></div>'
            f'<div class="rodo"><p>Ta strona używa plików cookies. Korzystając ze strony wyrażasz zgodę na ich używanie.</p><button>Akceptuję</button></div>')
    return page(head, body, lang="pl"), {"url": url, "content_type": "text/html"}

def japanese(name, a):
    url = "https://www.nihon-shimbun.example/articles/20240321/k10014400001000.html"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', f'<title>{E(a["title"])}｜日本新聞</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      '<meta property="og:site_name" content="日本新聞">', jsonld(a, url, site="日本新聞")])
    body = (f'<header><div class="logo">日本新聞</div><ul class="global-nav"><li><a href="/">トップ</a></li><li><a href="/society">社会</a></li>'
            f'<li><a href="/politics">政治</a></li><li><a href="/economy">経済</a></li></ul></header>'
            f'<main><article><h1>{E(a["title"])}</h1><time datetime="{a["date"]}">2024年3月21日 14時00分</time>'
            f'<div class="article-body">' + "\n".join(ps) + '</div>'
            f'<div class="sns-share"><a href="#">シェア</a><a href="#">ツイート</a></div></article>'
            f'<aside><h2>関連記事</h2><ul><li><a href="/1">各地で桜の開花予想を発表</a></li><li><a href="/2">花見シーズン、混雑に注意</a></li></ul>'
            f'<h2>アクセスランキング</h2><ol><li><a href="/3">円相場の動き</a></li><li><a href="/4">春の交通安全運動始まる</a></li></ol></aside></main>'
            f'<footer><p>Copyright 日本新聞社 All rights reserved.</p></footer>')
    return page(head, body, lang="ja"), {"url": url, "content_type": "text/html"}

def italian_microdata(name, a):
    url = "https://www.corrieredelnord.example/cronaca/24_gennaio_24/sciopero-treni-venerdi.shtml"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} - Corriere del Nord</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', f'<meta property="og:url" content="{url}">',
                      '<meta property="og:site_name" content="Corriere del Nord">'])
    body = (f'<div class="header">{nav(["Cronaca", "Politica", "Economia", "Sport", "Spettacoli"])}</div>'
            f'<div itemscope itemtype="https://schema.org/NewsArticle"><h1 itemprop="headline">{E(a["title"])}</h1>'
            f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{E(a["authors"][0])}</span></span>'
            f'<meta itemprop="datePublished" content="{a["date"]}">'
            f'<div itemprop="articleBody">' + "\n".join(ps) + '</div>'
            f'<div class="social"><a href="#">Condividi</a></div></div>'
            f'<div class="correlati"><h3>Articoli correlati</h3><ul><li><a href="/1">Metro, nuove corse serali</a></li><li><a href="/2">Autostrade, cantieri estivi</a></li></ul></div>')
    return page(head, body, lang="it"), {"url": url, "content_type": "text/html; charset=utf-8"}

def index_page(name, a):
    url = "https://www.dailycourier.example/world"
    cards = "".join(f'<article class="card"><h3><a href="/world/{i}">{E(h)}</a></h3><p>{E(s)}</p></article>'
                    for i, (h, s) in enumerate(zip(HEADS * 2, [
                        "Councillors voted after a twelve-hour debate.", "Commuters face higher costs from next spring.",
                        "The crash happened late on Friday night.", "Figures show a steady improvement.",
                        "Headliners include three international acts.", "Walkers can use the route again from Saturday."] * 2)))
    head = "\n".join(['<meta charset="utf-8">', '<title>World news | The Daily Courier</title>', '<meta property="og:type" content="website">'])
    body = (f'<header class="site-header"><a class="logo" href="/">The Daily Courier</a>{nav(["Home", "World", "Politics", "Business"])}</header>'
            f'<main><h1>World</h1><section class="front">{cards}</section></main>{FOOTER_EN}')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}


def wire(name, a):
    url = "https://www.newswire.example/business/shipping-firms-reroute-vessels-canal-drought-2023-11-02/"
    ps = paras_html(a["paras"])
    cards = "".join(f'<a class="story-card" href="/s/{i}"><div class="story-card__kicker">Business</div><h3 class="story-card__title">{E(h)}</h3>'
                    f'<p class="story-card__summary">A short summary of this other story appears here for readers.</p></a>' for i, h in enumerate(HEADS[:4]))
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | Newswire</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<meta property="og:url" content="{url}">', '<meta property="og:site_name" content="Newswire">',
                      f'<meta name="article:published_time" content="{a["date"]}">', jsonld(a, url, site="Newswire")])
    body = (f'<div id="app"><header class="nav-bar">{nav(["World", "Business", "Markets", "Sustainability", "Legal"])}'
            f'<form class="search"><input type="search" placeholder="Search"></form></header>'
            f'<main class="article-page"><div class="article-header"><nav class="breadcrumbs"><a href="/business">Business</a> / <a href="/business/autos">Shipping</a></nav>'
            f'<h1 data-testid="Heading">{E(a["title"])}</h1><div class="info"><span class="author-name">By <a href="/authors/al">{E(a["authors"][0])}</a></span>'
            f'<time datetime="{a["date"]}">November 2, 2023 10:41 AM UTC</time><span>Updated ago</span></div></div>'
            f'<div class="article-body__content">' +
            "".join(f'<div data-testid="paragraph-{i}" class="text__text">{p[3:-4]}</div>' for i, p in enumerate(ps)) +
            f'<p class="trust-principles"><a href="/trust">Our Standards: The Newswire Trust Principles.</a></p></div>'
            f'<div class="read-next"><h2>Read Next</h2>{cards}</div></main>'
            f'<footer>{nav(["About", "Careers", "Contact", "Accessibility"])}<p>All quotes delayed a minimum of 15 minutes.</p></footer></div>')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}

def nextjs(name, a):
    url = "https://noticias.folhadosul.example/politica/2023/07/camara-aprova-reforma-tributaria.shtml"
    ps = paras_html(a["paras"])
    body_txt = "\n".join(a["paras"])
    next_data = json.dumps({"props": {"pageProps": {"article": {"title": a["title"], "body": body_txt}}}}, ensure_ascii=False)
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} - Folha do Sul</title>',
                      f'<meta name="description" content="{E(a["dek"])}">', f'<meta property="og:title" content="{E(a["title"])}">',
                      '<meta property="og:type" content="article">', '<meta property="og:locale" content="pt_BR">',
                      jsonld(a, url, site="Folha do Sul", extra={"articleBody": body_txt}),
                      '<style data-emotion="css">.css-1q2w3e{margin:0}.css-9o8i7u{font-size:18px}</style>'])
    body = (f'<div id="__next"><div class="css-1q2w3e"><div class="css-a1b2c3"><a href="/" class="css-x9y8z7">Folha do Sul</a>'
            f'<div class="css-m4n5b6"><a href="/politica">Política</a><a href="/economia">Economia</a><a href="/mundo">Mundo</a><a href="/esporte">Esporte</a></div></div>'
            f'<div class="css-q1w2e3"><span class="css-k8j7h6">Política</span><h1 class="css-z0x9c8">{E(a["title"])}</h1>'
            f'<h2 class="css-p0o9i8">{E(a["dek"])}</h2><div class="css-l1k2j3"><span>{E(a["authors"][0])}</span><span>7.jul.2023 às 2h15</span></div>'
            f'<div class="css-9o8i7u">' + "".join(f'<p class="css-r4t5y6">{p[3:-4]}</p>' for p in ps[:2]) +
            '<div class="css-ad0001"><div>Publicidade</div></div>' + "".join(f'<p class="css-r4t5y6">{p[3:-4]}</p>' for p in ps[2:]) +
            '</div><div class="css-s5d6f7"><span>Receba notícias no seu email</span><input placeholder="Seu email"><button>Cadastrar</button></div></div>'
            f'<div class="css-w3e4r5"><h3>Leia também</h3><a href="/1">Senado deve votar texto em outubro</a><a href="/2">O que muda no seu bolso</a><a href="/3">Estados pedem compensação</a></div>'
            f'</div></div><script id="__NEXT_DATA__" type="application/json">{next_data}</script>')
    return page(head, body, lang="pt-BR"), {"url": url, "content_type": "text/html; charset=utf-8"}

def russian(name, a):
    url = "https://www.gorod-novosti.example/moscow/weather/2024/01/12/snegopad.html"
    ps = paras_html(a["paras"])
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', f'<title>{E(a["title"])} — Городские новости</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<meta property="article:published_time" content="{a["date"]}">'])
    body = (f'<div class="header"><a class="logo" href="/">Городские новости</a>{nav(["Главная", "Город", "Погода", "Спорт"])}</div>'
            f'<div class="content"><div class="news-item"><h1>{E(a["title"])}</h1><div class="news-date">12 января 2024, 08:00</div>'
            f'<div class="news-text">' + "\n".join(ps) + '</div><div class="news-author">Автор: ' + E(a["authors"][0]) + '</div>'
            f'<div class="share">Поделиться: <a href="#">ВКонтакте</a> <a href="#">Telegram</a></div></div>'
            f'<div class="right-col"><div class="popular"><h3>Популярное</h3><ul><li><a href="/1">Пробки на МКАД</a></li><li><a href="/2">Новые станции метро</a></li></ul></div></div></div>'
            f'<div class="footer">© 2024 Городские новости. Все права защищены.</div>')
    return page(head, body, lang="ru"), {"url": url, "content_type": "text/html"}

def newsletter(name, a):
    url = "https://jonahfeld.letters.example/p/the-quiet-return-of-the-night-train"
    out = []
    for i, p in enumerate(a["paras"]):
        if p.startswith("## "):
            out.append(f'<h3 class="header-anchor-post">{E(p[3:])}</h3>')
        else:
            out.append(f"<p>{E(p)}</p>")
        if i == 2:
            out.append('<div class="subscription-widget-wrap"><div class="subscription-widget"><p class="cta-caption">Thanks for reading! '
                       'Subscribe for free to receive new posts and support my work.</p><form><input type="email" placeholder="Type your email…">'
                       '<button>Subscribe</button></form></div></div>')
        if i == 4:
            out.append('<blockquote class="pullquote"><p>Falling asleep in one country and waking up in another.</p></blockquote>')
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} - by Jonah Feld</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', f'<meta property="og:description" content="{E(a["dek"])}">',
                      '<meta property="og:type" content="article">', f'<meta name="author" content="{E(a["authors"][0])}">',
                      jsonld(a, url, site="Slow Travel Letters")])
    body = (f'<div class="main-menu"><a href="/">Slow Travel Letters</a><button>Subscribe</button><button>Sign in</button></div>'
            f'<div class="single-post-container"><div class="container"><div class="single-post"><div class="post-header">'
            f'<h1 class="post-title">{E(a["title"])}</h1><h3 class="subtitle">{E(a["dek"])}</h3>'
            f'<div class="post-meta"><a href="/profile">{E(a["authors"][0])}</a><div class="post-date">Apr 02, 2024</div></div>'
            f'<div class="post-ufi"><a class="like-button">42</a><a class="comment-button">7</a><a class="share-button">Share</a></div></div>'
            f'<div class="available-content"><div class="body markup">' + "\n".join(out) + '</div></div>'
            f'<div class="post-footer"><div class="post-ufi"><a class="like-button">42</a><a href="/comments">7 Comments</a><a>Share</a></div></div>'
            f'<div class="subscribe-footer"><p>Slow Travel Letters is a reader-supported publication. To receive new posts and support my work, consider becoming a free or paid subscriber.</p>'
            f'<form><input type="email"><button>Subscribe</button></form></div></div></div></div>'
            f'<div class="footer-wrap"><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · <a href="/collection">Collection notice</a></div>')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}

PAGES = [
    ("en-schema-news", "en-harbour", modern, "utf-8"),
    ("en-amp", "en-amp-rates", amp, "utf-8"),
    ("en-liveblog", "en-liveblog-election", liveblog, "utf-8"),
    ("en-paywall-teaser", "en-paywall-pharma", paywall, "utf-8"),
    ("en-blog-comments", "en-blog-garden", wordpress, "utf-8"),
    ("en-gallery-related", "en-gallery-wildfire", gallery, "utf-8"),
    ("en-list-table", "en-list-schools", listtable, "utf-8"),
    ("en-oldschool-table", "en-oldschool-council", oldschool, "iso-8859-1"),
    ("de-windows1252", "de-bahn", german, "windows-1252"),
    ("fr-latin1-header", "fr-vendanges", french, "iso-8859-1"),
    ("es-divsoup", "es-sequia", spanish_divsoup, "utf-8"),
    ("pl-iso88592", "pl-most", polish, "iso-8859-2"),
    ("ja-shiftjis", "ja-sakura", japanese, "shift_jis"),
    ("it-microdata", "it-treni", italian_microdata, "utf-8"),
    ("en-index-page", "en-harbour", index_page, "utf-8"),
    ("en-wire-testid", "en-wire-shipping", wire, "utf-8"),
    ("pt-nextjs-hashed", "pt-nextjs-eleicao", nextjs, "utf-8"),
    ("ru-windows1251", "ru-pogoda", russian, "windows-1251"),
    ("en-newsletter-post", "en-newsletter-essay", newsletter, "utf-8"),
]

def main():
    for name, key, layout, enc in PAGES:
        a = ARTICLES[key]
        doc, meta = layout(name, a)
        with open(name + ".html", "wb") as f:
            f.write(doc.encode(enc, errors="xmlcharrefreplace"))
        with open(name + ".page.json", "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        paras = a["paras"]
        if layout is liveblog:  # the time is a separate element, not part of the heading
            paras = [("## " + p[3:].split(" ", 1)[1]) if p.startswith("## ") else p for p in paras]
        truth = "" if layout is index_page else truth_of(paras)
        with open(name + ".truth.txt", "w") as f:
            f.write(truth)
    # The second batch (layouts2.py, texts in articles2.py): each layout
    # returns its truth paragraphs itself.
    from layouts2 import PAGES2
    for name, layout, enc in PAGES2:
        doc, meta, truth = layout()
        meta["batch"] = 2  # written after the extractor; scored before it was changed (README)
        with open(name + ".html", "wb") as f:
            f.write(doc.encode(enc, errors="xmlcharrefreplace"))
        with open(name + ".page.json", "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        with open(name + ".truth.txt", "w") as f:
            f.write("\n\n".join(truth) + "\n")

if __name__ == "__main__":
    main()
