# Publisher layouts of the second batch of corpus pages (see make_corpus.py).
# Each layout returns (html, page_meta, truth_paragraphs). The markup follows
# what real CMSes emit (TownNews BLOX, Cision/PR Newswire, WordPress, Plone,
# Condé Nast-style magazines, Korean and Chinese portals, Taiwanese and Czech
# tabloids, 1990s table sites); class names are the publishers', not the
# extractor's.
import json
from articles2 import ARTICLES2
from make_corpus import E, page, jsonld, ANALYTICS, STYLE

A2 = ARTICLES2


def plain(p):
    """Text of a paragraph as the truth has it."""
    if p.startswith("## "):
        return p[3:]
    if p.startswith("?? "):
        return p[3:]
    if p.startswith("- "):
        return p[2:]
    return p


def ps_html(paras, pcls=None, hcls=None, htag="h2", qfmt="<p><strong>{}</strong></p>"):
    out = []
    pa = f' class="{pcls}"' if pcls else ""
    ha = f' class="{hcls}"' if hcls else ""
    for p in paras:
        if p.startswith("## "):
            out.append(f"<{htag}{ha}>{E(p[3:])}</{htag}>")
        elif p.startswith("?? "):
            out.append(qfmt.format(E(p[3:])))
        else:
            out.append(f"<p{pa}>{E(p)}</p>")
    return out


def og(a, url, site, typ="article", image="https://img.example/lead.jpg"):
    return "\n".join([
        f'<meta property="og:title" content="{E(a["title"])}">', f'<meta property="og:type" content="{typ}">',
        f'<meta property="og:url" content="{url}">', f'<meta property="og:image" content="{image}">',
        f'<meta property="og:site_name" content="{E(site)}">',
        f'<meta property="og:description" content="{E(a["dek"])}">' if a["dek"] else ""])


def links(items, base="/news/"):
    return "".join(f'<li><a href="{base}{i}">{E(h)}</a></li>' for i, h in enumerate(items))


# ------------------------------------------------------------ regional (BLOX)

def regional_blox():
    a = A2["en-regional-school-board"]
    url = "https://www.cedarfallsledger.example/news/local/education/school-board-delays-vote-on-closing-maple-street-elementary/article_5f2c8e1a-d0a1-11ee-9c1b-0b7e3f2a9d11.html"
    ps = ps_html(a["paras"])
    head = "\n".join([
        '<meta charset="utf-8">', f'<title>{E(a["title"])} | Local News | cedarfallsledger.example</title>',
        f'<meta name="description" content="{E(a["dek"])}">', og(a, url, "The Cedar Falls Ledger"),
        f'<link rel="canonical" href="{url}">', f'<meta name="author" content="{E(a["authors"][0])}">',
        jsonld(a, url, site="The Cedar Falls Ledger"), ANALYTICS,
        '<script>var __tnt = {"asset":{"type":"article","uuid":"5f2c8e1a"},"user":{"subscribed":false}};</script>'])
    inline_rel = ('<div class="tncms-inline-relcontent-wrapper"><aside class="card-grid inline-asset">'
                  '<h5 class="tnt-sub-header">More on Cedar Falls schools</h5>'
                  '<div class="card summary"><h3 class="tnt-headline"><a href="/news/local/education/a1">School board approves $84 million budget</a></h3></div>'
                  '<div class="card summary"><h3 class="tnt-headline"><a href="/news/local/education/a2">District enrollment drops for sixth straight year</a></h3></div>'
                  '</aside></div>')
    signup = ('<div class="inline-editorial-signup"><h4>Get local news delivered to your inbox!</h4>'
              '<p>Subscribe to our Daily Headlines newsletter.</p><form><input type="email" placeholder="Email Address">'
              '<button>Sign up!</button></form><p class="small">* I understand and agree that registration on or use of this site constitutes agreement to its user agreement and privacy policy.</p></div>')
    body = (
        '<div id="site-navbar-container"><nav class="navbar"><ul class="nav"><li><a href="/">Home</a></li><li><a href="/news/local">Local News</a></li>'
        '<li><a href="/sports">Sports</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/obituaries">Obituaries</a></li><li><a href="/eedition">Today\'s e-Edition</a></li></ul>'
        '<a class="btn" href="/users/login">Log In</a> <a class="btn btn-primary" href="/subscribe">Subscribe</a></nav></div>'
        '<div id="main-page-container" class="container"><div class="row"><div class="col-md-8">'
        '<header class="asset-header"><div class="asset-section"><a href="/news/local">Local News</a></div>'
        f'<h1 class="headline"><span class="tnt-headline">{E(a["title"])}</span></h1><h2 class="subheadline">{E(a["dek"])}</h2>'
        f'<ul class="list-inline"><li><span class="tnt-byline">{E(a["authors"][0])} <a href="mailto:dwhitfield@cedarfallsledger.example">dwhitfield@cedarfallsledger.example</a></span></li>'
        f'<li><time datetime="{a["date"]}">Feb 21, 2024</time></li></ul>'
        '<div class="share-container"><a href="#">Facebook</a><a href="#">Twitter</a><a href="#">Email</a><a href="#">Print</a><a href="#">Save</a></div></header>'
        '<div class="asset-photo"><figure><img src="https://img.example/maple-street.jpg" width="1200">'
        '<figcaption><div class="caption-text"><p>Parents and students fill the district office on Tuesday evening to speak against the proposed closure of Maple Street Elementary.</p></div>'
        '<div class="tnt-byline">Dana Whitfield, The Ledger</div></figcaption></figure></div>'
        '<div id="article-body" itemprop="articleBody" class="asset-content subscriber-premium">'
        '<div class="subscriber-preview">' + ps[0] + '</div>'
        '<div class="subscriber-only">' + "".join(ps[1:3]) + inline_rel + "".join(ps[3:5]) + signup + "".join(ps[5:]) +
        '<p><em>Dana Whitfield can be reached at 319-555-0142 or dwhitfield@cedarfallsledger.example.</em></p></div></div>'
        '<div class="asset-tags"><h5>Tags</h5><ul><li><a href="/tags/maple">Maple Street Elementary</a></li><li><a href="/tags/board">Cedar Falls School Board</a></li><li><a href="/tags/edu">Education</a></li></ul></div>'
        '<div id="asset-comments" class="asset-comments"><h4>Comments</h4><p>Commenting is limited to subscribers. Log in or subscribe to join the conversation.</p></div>'
        '<section class="related-content"><h3>Related to this story</h3><ul>' +
        links(["Cedar Falls voters approve school levy", "Maple Street principal named educator of the year", "Highway 20 crossing study delayed"]) + '</ul></section>'
        '</div><div class="col-md-4" id="sidebar"><div class="weather-widget"><h4>Cedar Falls Weather</h4><p>34&deg;F Cloudy</p><p>Tonight: snow showers likely. Low 22F. Winds NW at 10 to 15 mph.</p></div>'
        '<div class="most-popular"><h4>Most Popular</h4><ol>' +
        links(["Longtime diner owner retires after 41 years", "Police identify driver in fatal Highway 58 crash", "Panthers rally past Bulldogs in overtime", "New brewery opens downtown"]) + '</ol></div>'
        '<div class="eedition-promo"><h4>Latest e-Edition</h4><p>The Cedar Falls Ledger e-Edition is an exact digital replica of the printed paper.</p></div></div></div></div>'
        '<footer class="site-footer"><p>The Cedar Falls Ledger, 501 Commercial St, Cedar Falls, IA 50613. Phone: 319-555-0100.</p>'
        '<ul><li><a href="/contact">Contact Us</a></li><li><a href="/terms">Terms of Use</a></li><li><a href="/privacy">Privacy Policy</a></li></ul>'
        '<p>&copy; Copyright 2024 The Cedar Falls Ledger, 501 Commercial St Cedar Falls, IA | Terms of Use | Privacy Policy</p><p>Powered by BLOX Content Management System from TownNews.com.</p></footer>')
    truth = [plain(p) for p in a["paras"]]
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ tabloid

def tabloid():
    a = A2["en-tabloid-lottery"]
    url = "https://www.dailystarpost.example/news/28841177/lottery-winner-gives-8million-away-village/"
    ps = ps_html(a["paras"], hcls="article__subheading")
    tweet = ('<div class="article__embed"><blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">Amazing scenes in Little Ashby today. '
             'The whole village is celebrating Gary and the lads finally get their floodlights! &#127881;&#9917;</p>&mdash; Little Ashby FC (@AshbyFC) '
             '<a href="https://x.example/AshbyFC/status/1">May 14, 2024</a></blockquote></div>')
    rail = ('<div class="rail rail--trending"><h3 class="rail__header">MONEY MATTERS</h3><ul class="rail__list">'
            + links(["'I won the lottery twice in one year - here's my secret'", "Mum spends jackpot on 40 caravans for family", "Warning over lottery scam texts"], "/money/") + '</ul></div>')
    readmore = ('<div class="article__box"><p><strong>READ MORE ON THE LOTTERY</strong></p><ul>'
                + links(["Lotto jackpot rolls to \u00a315m after no winner", "Scratchcard winner spotted ticket in bin"], "/lottery/") + '</ul></div>')
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | The Daily Star-Post</title>', og(a, url, "The Daily Star-Post"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="The Daily Star-Post"), ANALYTICS])
    body = (
        '<div class="header"><a class="header__logo" href="/">The Daily Star-Post</a><nav class="header__nav"><a href="/news">News</a> <a href="/sport">Sport</a> '
        '<a href="/tv">TV</a> <a href="/showbiz">Showbiz</a> <a href="/money">Money</a> <a href="/travel">Travel</a></nav></div>'
        '<div class="article-switcheroo"><div class="article">'
        f'<h1 class="article__headline">{E(a["title"])}</h1><p class="article__subdeck">{E(a["dek"])}</p>'
        f'<div class="article__meta"><span class="article__author-name">{E(a["authors"][0])}</span><time datetime="{a["date"]}">17:32, 14 May 2024</time>'
        '<span class="article__updated">Updated: 18:05, 14 May 2024</span></div>'
        '<div class="article__content">'
        '<figure class="article__media"><img src="https://img.example/gary.jpg" width="960"><figcaption><span class="article__media-caption">Gary Pritchard, 52, handed out cheques to his neighbours</span>'
        '<span class="article__media-credit">Credit: Champion News</span></figcaption></figure>' +
        "".join(ps[:4]) + rail + "".join(ps[4:7]) + tweet + "".join(ps[7:9]) +
        '<figure class="article__media"><img src="https://img.example/plough.jpg" width="960"><figcaption><span class="article__media-caption">The Plough pub has been saved by the windfall</span>'
        '<span class="article__media-credit">Credit: Champion News</span></figcaption></figure>' +
        "".join(ps[9:11]) + readmore + "".join(ps[11:]) +
        '<p><strong>We pay for your stories! Do you have a story for The Daily Star-Post news team? Email us at tips@dailystarpost.example or call 0207 782 4104. You can WhatsApp us on 07423 720 250. We pay for videos too. Click here to upload yours.</strong></p>'
        '</div><div class="article__topics"><span>Topics</span><a href="/t/lottery">Lottery</a><a href="/t/uk">UK News</a></div>'
        '<div class="article__comments"><button>Comments (34)</button></div></div></div>'
        '<footer class="footer"><p>&copy; Star-Post Group Ltd 2024. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/cookies">Cookie settings</a></footer>')
    truth = [plain(p) for p in a["paras"]]
    return page(head, body, lang="en-GB"), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ magazine long read

def magazine():
    a = A2["en-magazine-longread"]
    url = "https://www.theobserver-mag.example/magazine/2024/03/11/the-last-lighthouse-keepers"
    paras = a["paras"]
    ps = ps_html(paras, hcls="section-heading")
    ps[0] = '<p class="has-dropcap"><span class="dropcap">T</span>' + E(paras[0][1:]) + "</p>"
    pull = ('<div class="callout--pull-quote"><blockquote><p>\u201cSomeone should notice if it doesn\u2019t come on.\u201d</p></blockquote></div>')
    fig = ('<figure class="asset-embed"><img src="https://img.example/keepers-1952.jpg" width="1600"><figcaption><span class="caption__text">'
           'Keepers and their families at Skerrow Head in 1952. At the height of the service, more than two hundred keepers lived at lighthouses around the coast.</span>'
           '<span class="caption__credit">Photograph courtesy of the MacRae family</span></figcaption></figure>')
    ad = '<div class="ad ad--in-content"><div class="ad__label">Advertisement</div><div class="ad__slot" id="gpt-mid"></div></div>'
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | The Observer Magazine</title>', og(a, url, "The Observer Magazine"),
                      f'<meta name="description" content="{E(a["dek"])}">', f'<link rel="canonical" href="{url}">',
                      jsonld(a, url, site="The Observer Magazine"), STYLE, ANALYTICS])
    body = (
        '<div class="global-nav"><a href="/">The Observer Magazine</a><a href="/latest">Latest</a><a href="/magazine">The Magazine</a><a href="/culture">Culture</a>'
        '<a href="/books">Books</a><a href="/newsletter">Newsletters</a><a class="cta" href="/subscribe">Subscribe</a></div>'
        '<article class="article main-content"><header class="split-screen-content-header"><div class="rubric">A Reporter at Large</div>'
        f'<h1 class="content-header__hed">{E(a["title"])}</h1><div class="content-header__dek">{E(a["dek"])}</div>'
        f'<div class="byline">By <a href="/contributors/miriam-achterberg">{E(a["authors"][0])}</a></div><time datetime="{a["date"]}">March 4, 2024</time></header>'
        '<div class="lede-visual"><figure><img src="https://img.example/skerrow.jpg" width="2000"><figcaption>Illustration by Tomas Ek</figcaption></figure></div>'
        '<div class="body body__container">'
        '<div class="body__inner-container">' + "".join(ps[:3]) + '</div>' + ad +
        '<div class="body__inner-container">' + "".join(ps[3:6]) + fig + ps[6] + '</div>' + ad +
        '<div class="body__inner-container">' + "".join(ps[7:9]) + pull + "".join(ps[9:]) + '</div>'
        '<div class="contributor-bio"><p><em>Miriam Achterberg is a contributing writer. Her book about Britain\u2019s coastal communities, \u201cEdge of the Map,\u201d will be published in the fall.</em></p></div>'
        '<p class="print-edition">Published in the print edition of the March 11, 2024, issue, with the headline \u201cKeepers of the Light.\u201d</p>'
        '</div></article>'
        '<div class="recirc-list"><h3>More from the Magazine</h3><ul>' +
        links(["The Town That Banned Cars", "Letter from the Outer Isles: a school of four pupils", "What the Tide Leaves Behind"], "/magazine/") + '</ul></div>'
        '<div class="newsletter-module"><h3>The Weekly Read</h3><p>Our best long-form journalism, delivered every Sunday.</p><form><input type="email"><button>Sign up</button></form></div>'
        '<footer><p>&copy; 2024 Observer Media Group. All rights reserved.</p></footer>')
    truth = [plain(p) for p in paras]
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ press release

def press_release():
    a = A2["en-press-release-robotics"]
    url = "https://www.prnewswire.example/news-releases/northwind-robotics-opens-120-million-manufacturing-plant-in-ohio-creating-450-jobs-302079512.html"
    paras = a["paras"]
    first = paras[0].replace("COLUMBUS, Ohio, March 5, 2024 /PRNewswire/ -- ", "")
    bullets = [p[2:] for p in paras if p.startswith("- ")]
    rest = [p for p in paras[1:] if not p.startswith("- ")]
    about_i = rest.index("## About Northwind Robotics")
    body_ps = "".join(f"<p>{E(p)}</p>" for p in rest[1:about_i])
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])}</title>', og(a, url, "PR Newswire"),
                      f'<link rel="canonical" href="{url}">', f'<meta name="description" content="{E(a["dek"])}">', ANALYTICS])
    body = (
        '<header class="prn-header"><a class="logo" href="/">PR Newswire</a><ul class="nav"><li><a href="/news-releases">News</a></li><li><a href="/products">Products</a></li>'
        '<li><a href="/contact">Contact</a></li></ul><form class="search"><input placeholder="Search"></form><a class="btn" href="/send">Send a Release</a></header>'
        '<div class="release-header"><div class="container"><h1>' + E(a["title"]) + '</h1><p class="subtitle">' + E(a["dek"]) + '</p>'
        '<div class="meta"><p>News provided by <a href="/news/northwind-robotics">Northwind Robotics</a></p><p class="mb-no">Mar 05, 2024, 08:00 ET</p></div>'
        '<div class="social-share"><span>Share this article</span><a href="#">Facebook</a><a href="#">X</a><a href="#">LinkedIn</a><a href="#">Email</a></div></div></div>'
        '<section class="release-body container"><div class="row"><div class="col-lg-10 col-lg-offset-1">'
        '<p><span class="xn-location">COLUMBUS, Ohio</span>, <span class="xn-chron">March 5, 2024</span> /PRNewswire/ -- ' + E(first) + '</p>'
        f'<p>{E(rest[0])}</p><ul type="disc">' + "".join(f"<li>{E(b)}</li>" for b in bullets) + '</ul>' + body_ps +
        '<p><b>About Northwind Robotics</b><br>' + E(rest[about_i + 1]) + '</p>'
        '<p>Media Contact:<br>Jamie Cole<br>press@northwindrobotics.example<br>412-555-0199</p>'
        '<p>SOURCE Northwind Robotics</p><img src="https://mma.example/logo.jpg" alt="Northwind Robotics logo" title="Northwind Robotics logo"></div></div></section>'
        '<div class="container multimedia"><p>View original content to download multimedia: <a href="' + url + '">' + url + '</a></p></div>'
        '<section class="more-releases container"><h3>Also from this source</h3><ul>' +
        links(["Northwind Robotics Names New Chief Technology Officer", "Northwind Robotics Surpasses 30,000 Robots Deployed"], "/news-releases/") + '</ul>'
        '<h3>Explore</h3><p>More news releases in similar topics</p><ul><li><a href="/t/robotics">Robotics</a></li><li><a href="/t/manufacturing">Manufacturing &amp; Engineering</a></li></ul></section>'
        '<footer class="prn-footer"><p>Contact PR Newswire: 888-776-0942 from 8 AM - 10 PM ET</p><p>&copy; 2024 Cision US Inc.</p><a href="/terms">Terms of Use</a> <a href="/privacy">Privacy Policy</a></footer>')
    truth = [plain(p) for p in paras]
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ sports live text

def sports_live():
    a = A2["en-sports-live-derby"]
    url = "https://www.sportsdesk.example/football/live/riverton-v-harbour-city-cup-quarter-final"
    posts = []
    for i, (minute, h, t) in enumerate(a["entries"]):
        hh = f'<h3 class="lx-stream-post__header-title">{E(h)}</h3>' if h else ""
        posts.append(f'<li class="lx-stream__post-container"><article class="lx-stream-post" id="post-{i}"><header class="lx-stream-post__header">'
                     f'<div class="lx-stream-post__meta"><span class="lx-time">{E(minute)}</span></div>{hh}</header>'
                     f'<div class="lx-stream-post-body"><p>{E(t)}</p></div></article></li>')
    stats = ('<div class="match-stats"><h2>Match stats</h2><table><tr><th>Riverton</th><th></th><th>Harbour City</th></tr>'
             '<tr><td>42%</td><td>Possession</td><td>58%</td></tr><tr><td>9</td><td>Shots</td><td>14</td></tr>'
             '<tr><td>4</td><td>Shots on target</td><td>5</td></tr><tr><td>3</td><td>Corners</td><td>8</td></tr></table></div>')
    lineups = ('<div class="lineups"><h2>Line-ups</h2><h3>Riverton</h3><ul><li>1 Jones</li><li>2 Baptiste</li><li>5 Silva</li><li>6 Moore</li><li>3 Hale</li>'
               '<li>8 Carter</li><li>4 Dunn</li><li>10 Lindgren</li><li>7 Price</li><li>11 Wright</li><li>9 Osei</li></ul><p>Substitutes: 19 Okafor, 14 Reed, 16 Fox</p>'
               '<h3>Harbour City</h3><ul><li>1 Kowalski</li><li>2 Moreno</li><li>4 Adeyemi</li><li>5 Byrne</li><li>3 Laine</li><li>8 Nilsson</li><li>6 Costa</li>'
               '<li>10 Ibe</li><li>7 Walsh</li><li>11 Duarte</li><li>9 Novak</li></ul></div>')
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} - SportsDesk</title>', og(a, url, "SportsDesk"),
                      f'<link rel="canonical" href="{url}">',
                      jsonld(a, url, typ="LiveBlogPosting", site="SportsDesk", extra={"coverageStartTime": a["date"]}), ANALYTICS])
    body = (
        '<div class="sd-header"><a href="/">SportsDesk</a><ul class="sd-nav"><li><a href="/football">Football</a></li><li><a href="/cricket">Cricket</a></li>'
        '<li><a href="/rugby">Rugby</a></li><li><a href="/tennis">Tennis</a></li><li><a href="/scores">Scores &amp; Fixtures</a></li></ul></div>'
        '<div class="match-header"><p class="competition">Cup Quarter-final</p><div class="scoreboard"><span class="team">Riverton</span> <span class="score">2 - 1</span> '
        '<span class="team">Harbour City</span></div><p class="status">Full time</p><ul class="scorers"><li>Carter (12\')</li><li>Okafor (86\')</li></ul>'
        '<ul class="scorers"><li>Adeyemi (58\')</li></ul><p class="venue">Venue: Mill Road</p></div>'
        '<div class="tabs"><a href="#live" class="active">Live</a> <a href="#lineups">Line-ups</a> <a href="#stats">Match stats</a> <a href="#report">Report</a></div>'
        f'<div class="live-coverage"><h1 class="live-title">{E(a["title"])}</h1><p class="live-summary">{E(a["dek"])}</p>'
        '<div id="lx-commentary" class="live-text"><ol class="lx-stream">' + "".join(posts) + '</ol></div>'
        '<div class="live-reporting"><p>Live Reporting</p><p>By Sam Price</p></div></div>' + stats + lineups +
        '<div class="sd-footer"><p>&copy; SportsDesk 2024. SportsDesk is not responsible for the content of external sites.</p></div>')
    truth = []
    for minute, h, t in a["entries"]:
        if h:
            truth.append(h)
        truth.append(t)
    return page(head, body, lang="en-GB"), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ opinion column

def opinion():
    a = A2["en-opinion-transit"]
    url = "https://www.metrocourier.example/opinion/2024/04/09/city-keeps-building-roads-it-cannot-afford/"
    ps = []
    for p in a["paras"]:
        if p.startswith("## "):
            ps.append(f'<h3 class="wpds-c-fJKSij">{E(p[3:])}</h3>')
        else:
            ps.append(f'<p data-el="text" class="wpds-c-cYdRxM wpds-c-cYdRxM-iPJLV-css">{E(p)}</p>')
    head = "\n".join(['<meta charset="utf-8">', f'<title>Opinion | {E(a["title"])} - The Metro Courier</title>', og(a, url, "The Metro Courier"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, typ="OpinionNewsArticle", site="The Metro Courier"), ANALYTICS])
    body = (
        '<header class="site-header"><a href="/">The Metro Courier</a><nav><a href="/politics">Politics</a> <a href="/opinion">Opinions</a> <a href="/local">Local</a> '
        '<a href="/sports">Sports</a></nav><a href="/subscribe">Subscribe</a> <a href="/signin">Sign in</a></header>'
        '<main><div class="article-page opinion"><div class="kicker-label"><a href="/opinion">Opinion</a></div>'
        f'<h1 data-qa="headline">{E(a["title"])}</h1><h2 class="dek">{E(a["dek"])}</h2>'
        f'<div class="author-card"><img src="/authors/osei.jpg" alt=""><a href="/people/rebecca-osei">{E(a["authors"][0])}</a><p>Contributing columnist</p></div>'
        f'<div class="display-date">April 9, 2024 at 11:00 a.m. EDT</div>'
        '<div class="gift-share"><button>Gift Article</button><button>Share</button><button>Comment on this story</button></div>'
        '<div class="article-body">' + "".join(ps) + '</div>'
        '<div class="author-bio"><p>Rebecca Osei is an urban planner and a contributing columnist for The Metro Courier. She lives in the Eastside neighborhood.</p></div>'
        '<p class="disclaimer"><em>The views expressed in this column are the author\u2019s own and do not necessarily reflect those of The Metro Courier.</em></p>'
        '<div class="more-from-author"><h3>More from Rebecca Osei</h3><ul>' +
        links(["Downtown parking garages are half empty. Tear one down.", "The bus network redesign got one thing very right"], "/opinion/") + '</ul></div>'
        '<div class="letters-cta"><p>Have something to say about this column? Send a letter to the editor at letters@metrocourier.example. Letters should be no longer than 250 words and must include your name and neighborhood.</p></div>'
        '<div id="comments-wrapper"><h3>Comments</h3><p>Comments are closed for this article.</p></div></div></main>'
        '<footer><p>&copy; 1996-2024 The Metro Courier</p></footer>')
    truth = [plain(p) for p in a["paras"]]
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ Q&A interview

def qa_interview():
    a = A2["en-qa-chef"]
    url = "https://www.citybites.example/restaurants/2024/01/30/ana-ruiz-tallow-interview"
    paras = a["paras"]
    ps = []
    for p in paras:
        if p.startswith("?? "):
            ps.append(f"<p><strong>{E(p[3:])}</strong></p>")
        elif p.startswith("This interview has been edited"):
            ps.append(f"<p><em>{E(p)}</em></p>")
        else:
            ps.append(f"<p>{E(p)}</p>")
    fig = ('<figure class="wp-block-image"><img src="https://img.example/ruiz.jpg" width="1400"><figcaption>Ana Ruiz in the kitchen at Tallow, '
           'which seats 36 and has no freezer. (Photo by Lena Park for City Bites)</figcaption></figure>')
    head = "\n".join(['<meta charset="UTF-8">', f'<title>{E(a["title"])} &#8211; City Bites</title>', og(a, url, "City Bites"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="City Bites"), STYLE])
    body = (
        '<div class="site-header"><a class="site-logo" href="/">City Bites</a><ul class="menu"><li><a href="/restaurants">Restaurants</a></li>'
        '<li><a href="/bars">Bars</a></li><li><a href="/recipes">Recipes</a></li><li><a href="/guides">Guides</a></li></ul></div>'
        '<article class="post type-post"><header class="article__header"><span class="article__category"><a href="/restaurants">Restaurants</a></span>'
        f'<h1 class="article__title">{E(a["title"])}</h1><p class="article__dek">{E(a["dek"])}</p>'
        f'<div class="byline">By <a href="/author/owen">{E(a["authors"][0])}</a> &middot; January 30, 2024</div></header>'
        + fig + '<div class="article__body">' + "".join(ps[:3]) +
        '<div class="inline-ad"><p>Advertisement</p></div>' + "".join(ps[3:9]) +
        '<div class="newsletter-inline"><p><strong>Get the best new restaurants in your inbox every Thursday.</strong></p><form><input type="email"><button>Subscribe</button></form></div>'
        + "".join(ps[9:]) + '</div>'
        '<div class="article__footer"><p class="tags">Filed under: <a href="/t/interviews">Interviews</a>, <a href="/t/chefs">Chefs</a></p></div></article>'
        '<div class="widget recent"><h3>Latest</h3><ul>' + links(["Ten bakeries worth crossing town for", "A ramen bar opens in the old post office"], "/") + '</ul></div>'
        '<footer><p>&copy; 2024 City Bites Media</p></footer>')
    truth = [plain(p) for p in paras]
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ photo essay (caption-heavy)

def photo_essay():
    a = A2["en-photo-essay-market"]
    url = "https://www.northernpost.example/uk/gallery/2024/jun/28/in-pictures-last-days-eastgate-covered-market"
    paras, caps = a["paras"], a["captions"]

    def fig(i):
        if i < 3:
            return (f'<figure class="gallery__figure"><img src="https://img.example/market-{i}.jpg" width="1600">'
                    f'<figcaption class="gallery__caption"><span class="gallery__counter">{i + 1}/6</span><p>{E(caps[i])}</p></figcaption></figure>')
        return (f'<div id="attachment_{90 + i}" class="wp-caption aligncenter"><img src="https://img.example/market-{i}.jpg" width="1600">'
                f'<p class="wp-caption-text">{E(caps[i])}</p></div>')
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | The Northern Post</title>', og(a, url, "The Northern Post"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="The Northern Post"), ANALYTICS])
    body = (
        '<header class="np-header"><a href="/">The Northern Post</a><nav><a href="/uk">UK</a> <a href="/world">World</a> <a href="/culture">Culture</a> '
        '<a href="/gallery">Pictures</a></nav></header>'
        f'<main><div class="gallery-article"><h1>{E(a["title"])}</h1><div class="standfirst"><p>{E(a["dek"])}</p></div>'
        f'<div class="byline">Photographs by {E(a["authors"][0])}</div><time datetime="{a["date"]}">Fri 28 Jun 2024 07.00 BST</time>'
        '<div class="article-body">' + f"<p>{E(paras[0])}</p>" + fig(0) + fig(1) + f"<p>{E(paras[1])}</p>" + fig(2) + fig(3) +
        f"<p>{E(paras[2])}</p>" + fig(4) + fig(5) + '</div></div>'
        '<div class="onward"><h2>More galleries</h2><ul>' + links(["The week in wildlife", "Glastonbury 2024: the best pictures", "Coastal towns in the heatwave"], "/gallery/") + '</ul></div></main>'
        '<footer><p>&copy; 2024 Northern Post Media Ltd. All rights reserved.</p></footer>')
    return page(head, body, lang="en-GB"), {"url": url, "content_type": "text/html; charset=utf-8"}, list(paras)


# ------------------------------------------------------------ inline related links (local TV)

def inline_related():
    a = A2["en-inline-related-wildfire-smoke"]
    url = "https://www.kwtv9.example/article/weather/air-quality-alert-canadian-wildfire-smoke-metro/89-4a1b2c3d"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    rel = lambda label, h: f'<p><strong>{label}</strong> <a href="/article/{len(h)}">{E(h)}</a></p>'
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | kwtv9.example</title>', og(a, url, "KWTV 9"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="KWTV 9"), ANALYTICS])
    body = (
        '<div class="site-header"><a href="/">KWTV 9</a><ul><li><a href="/news">News</a></li><li><a href="/weather">Weather</a></li><li><a href="/traffic">Traffic</a></li>'
        '<li><a href="/watch">Watch Live</a></li></ul></div><div class="alert-bar"><a href="/weather/alerts">1 weather alert in effect</a></div>'
        f'<div class="article"><h1 class="article__headline">{E(a["title"])}</h1><div class="article__author">Author: {E(a["authors"][0])}</div>'
        '<div class="article__published">Published: 2:20 PM CDT June 6, 2024</div><div class="article__updated">Updated: 4:05 PM CDT June 6, 2024</div>'
        '<div class="article__body">' + p[0] + rel("RELATED:", "Why is the sky so hazy? What to know about wildfire smoke") + p[1] + p[2] +
        rel("MORE:", "How to protect your family when air quality alerts are issued") +
        '<div class="video-embed"><div class="video__title">Smoke blankets downtown skyline</div><div class="video__player"></div></div>' + p[3] +
        rel("DOWNLOAD THE KWTV 9 APP:", "Get breaking news and weather alerts on your phone") + p[4] + p[5] +
        '<p><em>Copyright 2024 KWTV 9. All rights reserved. This material may not be published, broadcast, rewritten, or redistributed.</em></p></div>'
        '<div class="article__related"><h3>Related Articles</h3><ul>' + links(["Drought watch expanded to 40 counties", "Record heat possible this weekend"], "/article/") + '</ul></div></div>'
        '<div class="footer"><p>&copy; 2024 KWTV 9. All Rights Reserved.</p><a href="/eeo">EEO Report</a> <a href="/fcc">FCC Public File</a></div>')
    return page(head, body), {"url": url, "content_type": "text/html; charset=utf-8"}, list(a["paras"])


# ------------------------------------------------------------ Korean portal (EUC-KR)

def korean():
    a = A2["ko-euckr-subway"]
    url = "https://news.hankook-ilbo.example/article/2024090210300001"
    txt = "<br><br>\n".join(E(x) for x in a["paras"])
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">', f'<title>{E(a["title"])} : 한국일보</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      '<meta property="og:site_name" content="한국일보">', f'<meta property="article:published_time" content="{a["date"]}">'])
    body = (
        '<div id="header"><div class="gnb"><a href="/">뉴스 홈</a> | <a href="/politics">정치</a> | <a href="/economy">경제</a> | <a href="/society">사회</a> | '
        '<a href="/world">세계</a> | <a href="/it">IT/과학</a></div><div class="login"><a href="/login">로그인</a></div></div>'
        '<div id="main_content"><div class="article_header"><div class="article_info">'
        f'<h3 id="articleTitle" class="tts_head">{E(a["title"])}</h3><div class="sponsor"><span class="t11">2024.09.02. 오전 10:30</span></div></div>'
        '<div class="article_btns"><a href="#">공유</a> <a href="#">글자 크기</a> <a href="#">인쇄</a></div></div>'
        '<div class="article_body font1 size3"><div id="articleBodyContents" class="_article_body_contents">\n'
        '<!-- 본문 내용 --><script type="text/javascript">function _flash_removeCallback() {}</script>\n'
        + txt + '<br><br>\n김민수 기자 minsu@hankook-ilbo.example<br><br>\n&lt;저작권자 ⓒ 한국일보, 무단 전재 및 재배포 금지&gt;\n</div></div>'
        '<div class="article_relation"><h4>관련기사</h4><ul>' +
        links(["버스 요금은 동결… 시, 내년 재검토", "수도권 통합 정기권 출시 앞당긴다"], "/article/") + '</ul></div>'
        '<div class="ranking_news"><h4>많이 본 뉴스</h4><ol>' +
        links(["추석 연휴 고속도로 통행료 면제", "올가을 첫 한파주의보 발령", "아파트 전셋값 상승세 계속"], "/rank/") + '</ol></div></div>'
        '<div id="footer"><p>회사소개 | 광고안내 | 개인정보처리방침 | 청소년보호정책</p><p>Copyright ⓒ 한국일보. All rights reserved.</p></div>')
    return page(head, body, lang="ko"), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Chinese portal (GB18030)

def chinese():
    a = A2["zh-gb18030-rail"]
    url = "https://news.xinlang.example/c/2024-10-15/doc-inaskr1234567.shtml"
    ps = "".join(f"<p>\u3000\u3000{E(x)}</p>" for x in a["paras"])
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', f'<title>{E(a["title"])}|高铁_新浪新闻</title>',
                      '<meta name="keywords" content="高铁,成渝,铺轨">', f'<meta property="og:title" content="{E(a["title"])}">',
                      '<meta property="og:type" content="news">', f'<meta property="article:published_time" content="{a["date"]}">'])
    body = (
        '<div class="top-bar"><a href="/">新浪首页</a> <a href="/news">新闻</a> <a href="/sports">体育</a> <a href="/finance">财经</a> <a href="/ent">娱乐</a> '
        '<a href="/tech">科技</a> <a href="/blog">博客</a> <a href="/video">视频</a></div>'
        '<div class="main-content w1240"><h1 class="main-title">' + E(a["title"]) + '</h1>'
        '<div class="top-bar-wrap"><div class="date-source"><span class="date">2024年10月15日 16:20</span> <a class="source" href="#">新华网</a></div>'
        '<div class="share">分享到：<a href="#">微博</a> <a href="#">微信</a></div></div>'
        '<div class="article-content clearfix"><div class="article" id="article">'
        '<p>原标题：成渝中线高铁全线铺轨</p>' + ps +
        '<p class="article-editor">责任编辑：张伟</p></div></div>'
        '<div class="keywords">文章关键词：<a href="#">高铁</a> <a href="#">成渝</a></div>'
        '<div class="statement">新浪声明：此消息系转载自新浪合作媒体，新浪网登载此文出于传递更多信息之目的，并不意味着赞同其观点或证实其描述。</div>'
        '<div class="blk-related"><h3>相关新闻</h3><ul>' +
        links(["西渝高铁建设进展顺利", "今年铁路投资保持高位", "多地高铁新线将于年底开通"], "/c/") + '</ul></div>'
        '<div class="blk-hot"><h3>热门推荐</h3><ul>' + links(["国庆假期出行数据公布", "多地迎来降温天气"], "/h/") + '</ul></div></div>'
        '<div class="footer"><p>新浪简介 | 广告服务 | 联系我们 | 招聘信息 | 网站律师 | 通行证注册 | 产品答疑</p><p>Copyright © 1996-2024 SINA Corporation, All Rights Reserved</p></div>')
    return page(head, body, lang="zh-CN"), {"url": url, "content_type": "text/html", "charset": "gb18030"}, list(a["paras"])


# ------------------------------------------------------------ Russian 1990s table site (KOI8-R)

def russian_koi8():
    a = A2["ru-koi8r-bridge"]
    url = "http://www.zarechnye-vesti.example/news/2023/06/19/most.html"
    ps = "\n".join(f"<p>{E(x)}" for x in a["paras"])
    side = "".join(f'<font size=1>{d}</font><br><a href="/news/{i}.html">{E(h)}</a><br><br>' for i, (d, h) in enumerate([
        ("18.06.2023", "В городском парке открылся летний кинотеатр"), ("17.06.2023", "Выпускники школ получили аттестаты"),
        ("16.06.2023", "На улице Ленина начался ремонт тротуаров"), ("15.06.2023", "Погода на выходные: жара до +30")]))
    doc = (
        '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">\n'
        f'<title>Заречные вести - {E(a["title"])}</title>\n<meta name="keywords" content="новости, Заречный, мост, ремонт">\n</head>\n'
        '<body bgcolor="#ffffff" leftmargin=0 topmargin=0>\n<table width="100%" border=0 cellpadding=0 cellspacing=0>\n'
        '<tr><td colspan=3 bgcolor="#336699"><img src="/img/logo.gif" width=468 height=60 alt="Заречные вести"></td></tr>\n'
        '<tr><td width=150 valign=top bgcolor="#eeeeee"><font size=2><b>Разделы</b><br><a href="/news/">Новости</a><br><a href="/articles/">Статьи</a><br>'
        '<a href="/board/">Объявления</a><br><a href="/weather/">Погода</a><br><a href="/forum/">Форум</a><br><a href="/contacts/">Контакты</a></font><br><br>'
        '<img src="/counter.gif" width=88 height=31></td>\n'
        f'<td valign=top><h2>{E(a["title"])}</h2>\n<font size=-1 color=gray>19.06.2023 09:00</font>\n{ps}\n'
        f'<p><i>{E(a["authors"][0])}</i>\n<p><a href="/news/">Все новости</a> | <a href="/print/most.html">Версия для печати</a> | <a href="/send/">Отправить другу</a></td>\n'
        '<td width=200 valign=top bgcolor="#f5f5f5"><b>Последние новости</b><br><br>' + side +
        '<b>Опрос</b><br><form action="/poll/"><font size=2>Как вы добираетесь на работу?<br><input type=radio name=p value=1> На автобусе<br>'
        '<input type=radio name=p value=2> На машине<br><input type=radio name=p value=3> Пешком<br><input type=submit value="Голосовать"></font></form></td></tr>\n'
        '<tr><td colspan=3 align=center><font size=1>(c) 2003-2023 Заречные вести. При перепечатке ссылка на сайт обязательна.</font></td></tr>\n'
        '</table>\n</body>\n</html>\n')
    return doc, {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Greek (ISO-8859-7)

def greek():
    a = A2["el-iso88597-ferry"]
    url = "https://www.naftikovima.example/ellada/apergia-sta-ploia-tin-pempti"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">', f'<title>{E(a["title"])} - Ναυτικό Βήμα</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      '<meta property="og:locale" content="el_GR">', f'<link rel="canonical" href="{url}">'])
    body = (
        '<div class="header"><a class="logo" href="/">Ναυτικό Βήμα</a><ul class="menu"><li><a href="/ellada">Ελλάδα</a></li><li><a href="/naftilia">Ναυτιλία</a></li>'
        '<li><a href="/oikonomia">Οικονομία</a></li><li><a href="/kosmos">Κόσμος</a></li></ul></div>'
        '<div class="article-container"><div class="category"><a href="/ellada">Ελλάδα</a></div>'
        f'<h1>{E(a["title"])}</h1><div class="article-date">16.04.2024 | 12:40</div>'
        '<div class="article-image"><img src="/img/limani.jpg" width="1000"><span class="img-source">Φωτογραφία αρχείου: Eurokinissi</span></div>'
        '<div class="article-text">' + p[0] + p[1] +
        '<div class="diavaste-episis"><strong>Διαβάστε επίσης:</strong> <a href="/naftilia/nees-grammes">Νέες ακτοπλοϊκές γραμμές για το καλοκαίρι</a></div>' +
        p[2] + p[3] +
        '<p><a href="https://news.google.example/publications/naftikovima"><strong>Ακολουθήστε το Ναυτικό Βήμα στο Google News και μάθετε πρώτοι όλες τις ειδήσεις</strong></a></p></div>'
        '<div class="tags">Ετικέτες: <a href="#">απεργία</a> <a href="#">ΠΝΟ</a> <a href="#">πλοία</a></div></div>'
        '<div class="most-read"><h3>Δημοφιλή</h3><ul>' + links(["Πότε ανοίγουν τα σχολεία", "Καιρός: Ζέστη και μποφόρ στο Αιγαίο"], "/") + '</ul></div>'
        '<div class="footer">© 2024 Ναυτικό Βήμα. Με επιφύλαξη παντός δικαιώματος.</div>')
    return page(head, body, lang="el"), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Turkish (ISO-8859-9), comments with Turkish class names

def turkish():
    a = A2["tr-iso88599-earthquake"]
    url = "https://www.egehaber.example/gundem/ege-de-5-1-buyuklugunde-deprem-h123456.html"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    yorumlar = [("Mehmet K.", "Allah korusun, sabah çok korktuk. Bütün bina sallandı, çocukları alıp hemen dışarı çıktık."),
                ("Zeynep", "Seferihisar'da da çok şiddetli hissedildi, bizim sokakta bir duvar çöktü ama kimseye bir şey olmadı.")]
    head = "\n".join(['<meta charset="iso-8859-9">', f'<title>{E(a["title"])} - Ege Haber</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<meta name="author" content="{E(a["authors"][0])}">'])
    body = (
        '<div class="ust-menu"><a href="/">Ana Sayfa</a> <a href="/gundem">Gündem</a> <a href="/ekonomi">Ekonomi</a> <a href="/spor">Spor</a> '
        '<a href="/dunya">Dünya</a> <a href="/magazin">Magazin</a></div>'
        '<div class="son-dakika"><span>SON DAKİKA</span> <a href="/1">Bakan açıkladı: Yeni düzenleme Meclis\'te</a></div>'
        f'<div class="haber-detay"><h1>{E(a["title"])}</h1>'
        f'<div class="haber-bilgi">{E(a["authors"][0])} | 08.08.2024 07:15 | Güncelleme: 08.08.2024 09:40</div>'
        '<div class="haber-metni">' + p[0] + p[1] +
        '<div class="ilgili-haber"><span>İLGİLİ HABER</span> <a href="/gundem/izmir-tatbikat">İzmir\'de deprem tatbikatı yapıldı</a></div>' + p[2] + p[3] + '</div>'
        '<div class="etiketler"><a href="#">deprem</a> <a href="#">İzmir</a> <a href="#">AFAD</a></div>'
        '<div class="yorumlar"><h3>Okur Yorumları (2)</h3>' +
        "".join(f'<div class="yorum"><b>{E(n)}</b><p>{E(t)}</p></div>' for n, t in yorumlar) +
        '<div class="yorum-yaz"><textarea></textarea><button>Gönder</button></div></div></div>'
        '<div class="alt-bilgi">Ege Haber © 2024 - Tüm hakları saklıdır. İzinsiz kullanılamaz.</div>')
    return page(head, body, lang="tr"), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Arabic (windows-1256), RTL

def arabic():
    a = A2["ar-cp1256-water"]
    url = "https://www.akhbar-alsahel.example/news/2024/05/20/desalination-plant"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', f'<title>{E(a["title"])} | أخبار الساحل</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">'])
    body = (
        '<div class="top-menu"><a href="/">الرئيسية</a> | <a href="/local">محليات</a> | <a href="/economy">اقتصاد</a> | <a href="/sport">رياضة</a> | <a href="/world">دولي</a></div>'
        f'<div class="news-details"><h1>{E(a["title"])}</h1><div class="date">الاثنين 20 مايو 2024 - 11:00 ص</div>'
        '<div class="details-text">' + p[0] + p[1] +
        '<p><strong>اقرأ أيضا: </strong><a href="/news/2024/05/18/water-prices">الحكومة تدرس تعديل أسعار المياه للاستخدام التجاري</a></p>' + p[2] + p[3] + '</div>'
        '<div class="share-box">شارك: <a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div></div>'
        '<div class="most-read"><h3>الأكثر قراءة</h3><ul>' + links(["ارتفاع درجات الحرارة في نهاية الأسبوع", "افتتاح معرض الكتاب الدولي"], "/n/") + '</ul></div>'
        '<div class="footer">جميع الحقوق محفوظة © أخبار الساحل 2024</div>')
    return page(head, body, lang="ar", extra_html_attr=' dir="rtl"'), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Dutch regional (DPG-like)

def dutch():
    a = A2["nl-regional-ferry"]
    url = "https://www.hetgroenehart.example/krimpenerwaard/veerpont-schoonhoven-vaart-weer~a7c2e91f/"
    ps = ps_html(a["paras"], pcls="article__paragraph", hcls="article__subheader", htag="h3")
    lees = '<p class="article__paragraph"><strong>Lees ook</strong> <a href="/krimpenerwaard/brug-krimpen~a1/">Brug bij Krimpen maandenlang dicht voor onderhoud</a></p>'
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | Krimpenerwaard | hetgroenehart.example</title>', og(a, url, "Het Groene Hart"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="Het Groene Hart"), ANALYTICS])
    body = (
        '<header class="app-header"><a href="/">Het Groene Hart</a><nav><a href="/regio">Regio</a> <a href="/sport">Sport</a> <a href="/binnenland">Binnenland</a> '
        '<a href="/buitenland">Buitenland</a></nav><a href="/abonneren">Abonneren</a> <a href="/inloggen">Inloggen</a></header>'
        '<article class="article"><header class="article__header"><a class="article__section" href="/krimpenerwaard">Krimpenerwaard</a>'
        f'<h1 class="article__title">{E(a["title"])}</h1><p class="article__intro">{E(a["dek"])}</p>'
        f'<div class="article__meta"><span class="article__author">{E(a["authors"][0])}</span><time datetime="{a["date"]}">11-03-24, 06:30</time></div></header>'
        '<div class="article__body">' + "".join(ps[:2]) + lees + "".join(ps[2:]) + '</div></article>'
        '<aside class="article-related"><h2>Meer nieuws uit de Krimpenerwaard</h2><ul>' +
        links(["Dorpshuis Bergambacht krijgt nieuwe eigenaar", "Wateroverlast in Stolwijk na zware regen"], "/krimpenerwaard/") + '</ul></aside>'
        '<div class="premium-promo"><p>Onbeperkt toegang tot al onze artikelen? Neem een abonnement vanaf 1 euro per week.</p><a href="/abonneren">Bekijk de aanbiedingen</a></div>'
        '<footer><p>&copy; 2024 Het Groene Hart. Alle rechten voorbehouden.</p></footer>')
    truth = [plain(x) for x in a["paras"]]
    return page(head, body, lang="nl"), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ Czech tabloid (windows-1250)

def czech():
    a = A2["cs-cp1250-bear"]
    url = "https://www.bleskovky.example/zpravy/krimi/medved-na-namesti-roznov-radhostem.html"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta charset="windows-1250">', f'<title>{E(a["title"])} | Bleskovky.cz</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">',
                      f'<link rel="canonical" href="{url}">'])
    body = (
        '<div class="header"><a href="/">Bleskovky</a> <a href="/zpravy">Zprávy</a> <a href="/celebrity">Celebrity</a> <a href="/sport">Sport</a> '
        '<a href="/auto">Auto</a> <a href="/zdravi">Zdraví</a></div>'
        f'<div class="article-header"><h1>{E(a["title"])}</h1><div class="author">{E(a["authors"][0])}</div><div class="date">29. 5. 2024 19:45</div></div>'
        '<div class="article-body">' + p[0] +
        '<div class="gallery-preview"><img src="/foto/medved.jpg" width="640"><span class="popis">Medvěd na náměstí v Rožnově pod Radhoštěm (Foto: Facebook)</span>'
        '<span class="pocet">Galerie (12)</span></div>' + p[1] + p[2] +
        '<div class="read-also"><p>Čtěte také</p><a href="/zpravy/vlk-ovce">Vlk zaútočil na ovce u Frenštátu. Chovatel přišel o deset zvířat</a></div>' + p[3] + p[4] +
        '<div class="discussion-link"><a href="/diskuse/123">Diskuse (148)</a></div></div>'
        '<div class="nejctenejsi"><h3>Nejčtenější</h3><ol>' + links(["Počasí: Přijdou bouřky a kroupy", "Známá herečka se vdala"], "/") + '</ol></div>'
        '<div class="paticka">Copyright © 2024 Bleskovky. Všechna práva vyhrazena.</div>')
    return page(head, body, lang="cs"), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Taiwanese news (Big5)

def taiwan():
    a = A2["zh-big5-typhoon"]
    url = "https://news.ziyou-times.example/article/breakingnews/4751234"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=big5">', f'<title>{E(a["title"])} - 生活 - 自由時報電子報</title>',
                      f'<meta property="og:title" content="{E(a["title"])}">', '<meta property="og:type" content="article">'])
    body = (
        '<div class="header"><a href="/">自由時報</a> <a href="/politics">政治</a> <a href="/society">社會</a> <a href="/life">生活</a> <a href="/world">國際</a> <a href="/sports">體育</a></div>'
        f'<div class="whitecon articlebody"><h1>{E(a["title"])}</h1><span class="time">2024/07/24 18:30</span>'
        '<div class="text boxTitle boxText" itemprop="articleBody">' + p[0] +
        '<div class="photo boxTitle"><img src="/photo/typhoon.jpg"><span class="ph_b ph_d1">颱風外圍環流影響，北部山區降雨增加。（資料照）</span></div>' +
        p[1] + p[2] + '<p class="before_ir">不用抽 不用搶 現在用APP看新聞 保證天天中獎</p>' +
        '<p class="appE1121"><a href="/app">點我下載APP</a> <a href="/event">按我看活動辦法</a></p>' + p[3] + '</div></div>'
        '<div class="related boxTitle"><p>相關新聞</p><ul>' + links(["颱風假怎麼放？一次看懂", "超商颱風天營業資訊"], "/article/") + '</ul></div>'
        '<div class="footer">自由時報版權所有不得轉載 © 2024 The Ziyou Times, Inc. All Rights Reserved.</div>')
    return page(head, body, lang="zh-TW"), {"url": url, "content_type": "text/html"}, list(a["paras"])


# ------------------------------------------------------------ Spanish Q&A (Pregunta / Respuesta)

def spanish_interview():
    a = A2["es-entrevista-cientifica"]
    url = "https://elpais-norte.example/ciencia/2024-02-12/laura-mendez-los-glaciares-de-los-pirineos-desapareceran.html"
    paras = a["paras"]
    ps, truth = [], []
    q = False
    for x in paras:
        if x.startswith("?? "):
            ps.append(f"<p><strong>Pregunta.</strong> {E(x[3:])}</p>")
            truth.append("Pregunta. " + x[3:])
            q = True
        elif q:
            ps.append(f"<p><strong>Respuesta.</strong> {E(x)}</p>")
            truth.append("Respuesta. " + x)
            q = False
        else:
            ps.append(f"<p>{E(x)}</p>")
            truth.append(x)
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | Ciencia | El País del Norte</title>', og(a, url, "El País del Norte"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="El País del Norte"), ANALYTICS])
    body = (
        '<header class="_g _g-md"><a href="/">El País del Norte</a><nav><a href="/internacional">Internacional</a> <a href="/espana">España</a> <a href="/ciencia">Ciencia</a> '
        '<a href="/cultura">Cultura</a></nav><a href="/suscripciones">Suscríbete</a></header>'
        f'<article class="a _g _g-lg"><header class="a_e"><div class="a_k"><a href="/ciencia">Ciencia</a></div><h1 class="a_t">{E(a["title"])}</h1>'
        f'<h2 class="a_st">{E(a["dek"])}</h2><div class="a_md"><div class="a_md_a"><a href="/autor/javier-ortega">{E(a["authors"][0])}</a></div>'
        '<div class="a_md_f"><span>Huesca - 12 feb 2024 - 07:00 CET</span></div></div></header>'
        '<figure class="a_m"><img src="https://img.example/mendez.jpg" width="1400"><figcaption class="a_m_p"><span>La glacióloga Laura Méndez, en el glaciar de Aneto.</span>'
        '<span class="a_m_m">PABLO RUIZ</span></figcaption></figure>'
        '<div class="a_c clearfix" data-dtm-region="articulo_cuerpo">' + "".join(ps) + '</div>'
        '<div id="ctn_freemium_article" class="a_f"><p>Suscríbete para seguir leyendo</p><p>Lee sin límites</p></div>'
        '<div class="a_tp"><a href="/t/glaciares">Glaciares</a> <a href="/t/cambio-climatico">Cambio climático</a></div></article>'
        '<section class="b-t"><h3>Más información</h3><ul>' + links(["El Aneto pierde un 20% de su hielo en un año", "Qué queda de los glaciares de los Alpes"], "/ciencia/") + '</ul></section>'
        '<footer><p>© EDICIONES NORTE S.L.</p></footer>')
    return page(head, body, lang="es"), {"url": url, "content_type": "text/html; charset=utf-8"}, truth


# ------------------------------------------------------------ German opinion (Kommentar)

def german_kommentar():
    a = A2["de-kommentar-tempolimit"]
    url = "https://www.nordkurier-zeitung.example/meinung/kommentar-tempolimit-ueberfaellig-id4411.html"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta charset="utf-8">', f'<title>Kommentar: {E(a["title"])} | Nordkurier Zeitung</title>', og(a, url, "Nordkurier Zeitung"),
                      f'<link rel="canonical" href="{url}">', f'<meta name="author" content="{E(a["authors"][0])}">',
                      jsonld(a, url, typ="OpinionNewsArticle", site="Nordkurier Zeitung")])
    body = (
        '<div class="kopfleiste"><a href="/">Nordkurier Zeitung</a><ul><li><a href="/politik">Politik</a></li><li><a href="/wirtschaft">Wirtschaft</a></li>'
        '<li><a href="/meinung">Meinung</a></li><li><a href="/region">Region</a></li></ul></div>'
        '<div class="artikel artikel--meinung"><span class="kicker">Kommentar</span>'
        f'<h1>{E(a["title"])}</h1><p class="intro"><strong>{E(a["dek"])}</strong></p>'
        f'<div class="autorzeile">Ein Kommentar von {E(a["authors"][0])} | 17.06.2024, 16:00 Uhr</div>'
        '<div class="artikel__text">' + p[0] + p[1] +
        '<p class="lesetipp"><strong>Lesen Sie auch:</strong> <a href="/politik/verkehr">Was ein Tempolimit bringen würde – die Fakten</a></p>' + p[2] + p[3] + '</div>'
        '<div class="zur-person"><h4>Zur Person</h4><p>Stefan Brenner, Jahrgang 1975, leitet seit 2019 das Hauptstadtbüro unserer Zeitung. Er schreibt vor allem über Verkehrs- und Umweltpolitik.</p></div>'
        '<div class="leserbrief"><p>Ihre Meinung ist gefragt: Schreiben Sie uns an leserbriefe@nordkurier-zeitung.example. Die Redaktion behält sich Kürzungen vor.</p></div></div>'
        '<div class="fuss">&copy; Nordkurier Zeitung 2024 | <a href="/impressum">Impressum</a> | <a href="/datenschutz">Datenschutz</a></div>')
    return page(head, body, lang="de"), {"url": url, "content_type": "text/html; charset=utf-8"}, list(a["paras"])


# ------------------------------------------------------------ Italian press release (Plone, windows-1252)

def italian_press():
    a = A2["it-comunicato-museo"]
    url = "https://www.comune.bergamo.example/comunicati-stampa/il-museo-civico-riapre-dopo-il-restauro"
    paras = a["paras"]
    first = paras[0].replace("Bergamo, 5 aprile 2024 – ", "")
    head = "\n".join(['<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
                      f'<title>{E(a["title"])} — Comune di Bergamo</title>', '<meta name="generator" content="Plone - http://plone.org">'])
    body = (
        '<div id="portal-top"><div id="portal-logo"><a href="/">Comune di Bergamo</a></div>'
        '<ul id="portal-globalnav"><li><a href="/">Home</a></li><li><a href="/servizi">Servizi</a></li><li><a href="/uffici">Uffici</a></li>'
        '<li><a href="/comunicati-stampa">Comunicati stampa</a></li><li><a href="/eventi">Eventi</a></li></ul></div>'
        '<div id="portal-breadcrumbs">Ti trovi qui: <a href="/">Home</a> / <a href="/comunicati-stampa">Comunicati stampa</a></div>'
        '<div id="portal-columns"><div id="portal-column-content"><div id="content">'
        f'<h1 class="documentFirstHeading">{E(a["title"])}</h1>'
        '<div id="parent-fieldname-text">'
        f'<p><strong>Bergamo, 5 aprile 2024</strong> – {E(first)}</p>' + "".join(f"<p>{E(x)}</p>" for x in paras[1:]) +
        '<p><strong>Informazioni e prenotazioni:</strong> tel. 035 399 000 – museo@comune.bergamo.example</p></div>'
        '<div class="documentByLine">pubblicato il 05/04/2024 — ultima modifica 05/04/2024 10:12</div>'
        '<div class="documentActions"><a href="#">Condividi</a> <a href="javascript:print()">Stampa</a></div></div></div>'
        '<div id="portal-column-two"><dl class="portlet"><dt>Notizie recenti</dt>'
        '<dd><a href="/n1">Lavori in via XX Settembre: le modifiche alla viabilità</a></dd><dd><a href="/n2">Iscrizioni ai centri estivi</a></dd></dl></div></div>'
        '<div id="portal-footer"><p>Comune di Bergamo - Piazza Matteotti 27 - 24122 Bergamo - P.IVA 00220160167 - PEC protocollo@cert.comune.bergamo.example</p></div>')
    return page(head, body, lang="it"), {"url": url, "content_type": "text/html"}, list(paras)


# ------------------------------------------------------------ Swedish regional

def swedish():
    a = A2["sv-regional-library"]
    url = "https://www.dalarnasnyheter.example/hedemora/biblioteket-far-forlangda-oppettider-a1b2c3"
    p = [f"<p>{E(x)}</p>" for x in a["paras"]]
    head = "\n".join(['<meta charset="utf-8">', f'<title>{E(a["title"])} | Dalarnas Nyheter</title>', og(a, url, "Dalarnas Nyheter"),
                      f'<link rel="canonical" href="{url}">', jsonld(a, url, site="Dalarnas Nyheter")])
    body = (
        '<header class="site-header"><a href="/">Dalarnas Nyheter</a><nav><a href="/hedemora">Hedemora</a> <a href="/avesta">Avesta</a> <a href="/sport">Sport</a> '
        '<a href="/kultur">Kultur</a></nav><a href="/logga-in">Logga in</a> <a href="/prenumerera">Prenumerera</a></header>'
        f'<article class="article"><h1 class="article__headline">{E(a["title"])}</h1>'
        f'<div class="article__byline">{E(a["authors"][0])} <a href="mailto:johan.lindberg@dalarnasnyheter.example">johan.lindberg@dalarnasnyheter.example</a></div>'
        '<time datetime="2024-01-22T08:00:00+01:00">22 januari 2024 08:00</time>'
        '<div class="article__body">' + p[0] + p[1] + '<div class="article__ad"><span>ANNONS</span></div>' + p[2] +
        '<div class="article-related"><h4>Läs också</h4><a href="/hedemora/skolbibliotek">Skolbiblioteken får nya böcker för en miljon</a></div>' + p[3] + '</div>'
        '<div class="tip-box"><p>Har du ett nyhetstips? Ring 0225-123 45 eller mejla tips@dalarnasnyheter.example.</p></div></article>'
        '<footer><p>Dalarnas Nyheter AB, Box 12, 776 21 Hedemora. Ansvarig utgivare: Eva Berg.</p></footer>')
    return page(head, body, lang="sv"), {"url": url, "content_type": "text/html; charset=utf-8"}, list(a["paras"])


# name, layout, output charset (the bytes of the .html file)
PAGES2 = [
    ("en-regional-blox", regional_blox, "utf-8"),
    ("en-tabloid", tabloid, "utf-8"),
    ("en-magazine-longread", magazine, "utf-8"),
    ("en-press-release", press_release, "utf-8"),
    ("en-sports-live", sports_live, "utf-8"),
    ("en-opinion-column", opinion, "utf-8"),
    ("en-qa-interview", qa_interview, "utf-8"),
    ("en-photo-captions", photo_essay, "utf-8"),
    ("en-inline-related", inline_related, "utf-8"),
    ("ko-euckr", korean, "euc_kr"),
    ("zh-gb18030", chinese, "gb18030"),
    ("ru-koi8r-table", russian_koi8, "koi8_r"),
    ("el-iso88597", greek, "iso8859_7"),
    ("tr-iso88599-comments", turkish, "iso8859_9"),
    ("ar-windows1256-rtl", arabic, "cp1256"),
    ("nl-regional", dutch, "utf-8"),
    ("cs-windows1250-tabloid", czech, "cp1250"),
    ("zh-tw-big5", taiwan, "big5"),
    ("es-qa-interview", spanish_interview, "utf-8"),
    ("de-opinion", german_kommentar, "utf-8"),
    ("it-press-release-cp1252", italian_press, "cp1252"),
    ("sv-regional", swedish, "utf-8"),
]
