# Article texts for the extraction corpus, written for newsflow (fictional
# events, realistic style). make_corpus.py wraps them in publisher layouts.
# Each article: title, dek, authors, date (ISO), lang, paras (a leading
# "## " marks a subheading).

ARTICLES = {}

ARTICLES["en-harbour"] = dict(
    title="Storm Surge Floods Harbour District as City Braces for Second Front",
    dek="Emergency crews worked through the night after the sea wall was overtopped in three places.",
    authors=["Helen Carver", "Tom Okafor"], date="2024-02-11T06:45:00Z", lang="en",
    paras=[
        "Sea water poured over the harbour wall shortly after midnight on Sunday, flooding dozens of streets in the old port district and forcing the evacuation of two care homes, officials said.",
        "The surge, driven by gale-force winds and an unusually high spring tide, peaked at 1.9 metres above the normal level, according to the national weather service, the highest reading since records began in 1953.",
        "\u201cWe had about twenty minutes of warning before the water came over,\u201d said Marta Lindqvist, who runs a bakery on Quay Street. \u201cBy the time I got the van out, it was up to the wheels.\u201d",
        "## A second storm on the way",
        "Forecasters warned that a second, weaker depression would reach the coast on Tuesday evening, and the city council said it had asked the army for 40,000 sandbags to shore up the damaged sections of the wall.",
        "Engineers inspecting the defences found that a 30-metre stretch near the ferry terminal had been undermined, and temporary steel barriers were being installed on Monday morning.",
        "The mayor, Daniel Osei, said the damage showed that the city could no longer postpone a long-delayed upgrade of its flood defences, estimated to cost 210 million euros.",
        "\u201cThis is not a once-in-a-century event any more,\u201d he told reporters at the emergency control room. \u201cIt is the third time in six years that we have been here.\u201d",
        "Insurers said it was too early to estimate the cost of the damage, but a trade body put the likely bill for homes and businesses in the tens of millions.",
    ])

ARTICLES["en-amp-rates"] = dict(
    title="Central Bank Holds Rates Steady but Signals Cuts Later This Year",
    dek="Policymakers said inflation was cooling faster than expected.",
    authors=["Priya Raman"], date="2024-03-20T18:05:00Z", lang="en",
    paras=[
        "The central bank kept its benchmark interest rate at 5.25 percent on Wednesday for the fifth meeting in a row, but its policymakers signalled that they still expected to cut borrowing costs three times before the end of the year.",
        "In a statement, the bank said inflation had \u201ceased substantially\u201d over the past year while remaining above its 2 percent target, and that the labour market had stayed strong.",
        "Markets rallied after the decision, with the main stock index closing at a record high and the yield on two-year government bonds falling to its lowest level in a month.",
        "The governor told a news conference that the bank did not want to move too early. \u201cWe want to be more confident that inflation is moving sustainably down,\u201d she said.",
        "Economists had widely expected the decision. Several said the projections published alongside it, which showed slightly faster growth and a lower unemployment rate, pointed to a so-called soft landing for the economy.",
        "The next policy meeting is scheduled for early May.",
    ])

ARTICLES["en-liveblog-election"] = dict(
    title="Election Night: Results as They Come In",
    dek="Follow our live coverage of the regional elections.",
    authors=["Newsdesk"], date="2024-05-05T19:00:00Z", lang="en",
    paras=[
        "## 23:40 Turnout reaches highest level in two decades",
        "The electoral commission says turnout stood at 68.2 percent when polls closed, the highest figure for a regional vote since 2004. Queues were still reported at several polling stations in the capital when voting ended.",
        "## 23:15 Greens claim breakthrough in university towns",
        "The Green Party says it has won its first seats on three councils, all in towns with large universities. Its co-leader told supporters that the party had \u201cturned protest into power\u201d and would push for cheaper public transport.",
        "## 22:50 Governing party concedes losses in the north",
        "A senior minister has admitted that the governing party expects to lose control of at least two northern councils. Speaking on national television, he blamed the cost of living and said the results were \u201ca message we have heard.\u201d",
        "## 22:05 First result declared",
        "The first count of the night has been declared in Westbrook, where the opposition held its seat with an increased majority of 1,912 votes. Counting in the larger cities is not expected to finish before three in the morning.",
    ])

ARTICLES["en-paywall-pharma"] = dict(
    title="Drugmaker Agrees to Pay $1.2 Billion to Settle Opioid Claims",
    dek="The agreement covers lawsuits brought by more than 3,000 towns and counties.",
    authors=["Rachel Kim"], date="2024-01-16T12:00:00Z", lang="en",
    paras=[
        "A pharmaceutical company has agreed to pay $1.2 billion over nine years to settle thousands of lawsuits accusing it of fuelling the opioid epidemic through aggressive marketing of its painkillers, according to court filings made public on Tuesday.",
        "The settlement, which still requires approval from a federal judge, would resolve claims brought by more than 3,000 local governments, Native American tribes and hospital districts, lawyers for the plaintiffs said.",
    ])

ARTICLES["en-blog-garden"] = dict(
    title="Why I Stopped Digging My Vegetable Beds",
    dek="",
    authors=["Olivia Hart"], date="2023-10-02T08:00:00Z", lang="en",
    paras=[
        "For fifteen years I turned over every bed on my allotment each autumn, because that is what my father did and what the old gardening books told me to do. Three years ago I stopped, and I am not going back.",
        "The idea behind no-dig gardening is simple: instead of breaking up the soil, you leave it alone and spread a few centimetres of compost on the surface every year. Worms and fungi do the work of mixing it in.",
        "## What changed",
        "The first thing I noticed was the weeds. Digging brings buried seeds to the surface, where they germinate. Once I stopped, the carpet of seedlings that used to appear every spring simply did not come.",
        "The second was the structure of the soil. My heavy clay used to set like concrete in summer; now it crumbles in the hand, and after heavy rain the paths drain within an hour instead of staying flooded for days.",
        "It is not all good news. Slugs love the damp compost layer, and in the first year I lost most of my lettuces. I now put down a board at the end of each bed and collect the slugs from underneath it every morning.",
        "If you want to try it, start with one bed. Cover it with cardboard in autumn, pile compost on top, and plant straight into it in spring. You may be surprised how little you miss the spade.",
    ])

ARTICLES["en-gallery-wildfire"] = dict(
    title="Wildfire Forces Evacuation of Mountain Villages",
    dek="More than 2,000 residents left their homes as flames spread across dry forest.",
    authors=["Carlos Mendes"], date="2023-08-09T15:30:00Z", lang="en",
    paras=[
        "A fast-moving wildfire tore through pine forest in the mountains north of the capital on Wednesday, forcing the evacuation of seven villages and closing the main highway to the coast, the civil protection agency said.",
        "Strong winds pushed the fire across more than 4,000 hectares in less than a day. Firefighting aircraft from three neighbouring countries joined the effort in the afternoon, dropping water on the flanks of the blaze.",
        "Residents described leaving with only the clothes they were wearing. \u201cThe sky went orange and then black,\u201d said Elena Vasquez, 71, who was taken to a sports hall in the nearest town with her husband and their dog.",
        "No deaths had been reported by Wednesday evening, but two firefighters were treated in hospital for burns and smoke inhalation.",
        "Officials said the fire was probably started by sparks from farm machinery, and reminded farmers that the use of such equipment in forest areas was banned during the summer heat.",
    ])

ARTICLES["en-list-schools"] = dict(
    title="What the New School Funding Plan Means for Parents",
    dek="The changes start in September. Here is what you need to know.",
    authors=["Amira Haddad"], date="2024-06-03T07:00:00Z", lang="en",
    paras=[
        "The education ministry on Monday published the details of its new funding formula for state schools, which it says will direct more money to schools in poorer areas and to pupils with special needs.",
        "The main changes are:",
        "- Every school will receive a minimum of 5,200 per pupil, up from 4,800.",
        "- An extra allowance will be paid for each pupil eligible for free meals.",
        "- Small rural schools will get a fixed top-up to cover the cost of running a building.",
        "The table below shows how the per-pupil amounts compare with last year.",
        "| Phase | 2023 | 2024",
        "| Primary | 4,800 | 5,200",
        "| Secondary | 5,900 | 6,350",
        "Teachers' unions welcomed the extra money but warned that it would barely cover the pay rise agreed last month, leaving little for new staff or equipment.",
    ])

ARTICLES["en-oldschool-council"] = dict(
    title="Library Reopens After Two-Year Renovation",
    dek="",
    authors=["Staff Reporter"], date="2022-11-14T00:00:00Z", lang="en",
    paras=[
        "The town's central library reopened its doors on Saturday after a two-year renovation that restored its Victorian reading room and added a children's wing, a caf\u00e9 and a small recording studio for local musicians.",
        "Hundreds of people queued in the rain before the opening ceremony, which was performed by the author of a popular series of children's books who grew up in the town and said she had borrowed her first novel from the building.",
        "The project cost 6.4 million and was paid for by the council, a national heritage fund and donations from more than 1,100 residents.",
        "The library will be open seven days a week, with late opening until nine on Thursdays.",
    ])

ARTICLES["de-bahn"] = dict(
    title="Bahn kündigt Generalsanierung wichtiger Strecken an",
    dek="Reisende müssen sich auf lange Sperrungen einstellen.",
    authors=["Jürgen Weiß"], date="2024-04-18T10:15:00+02:00", lang="de",
    paras=[
        "Die Deutsche Bahn will in den kommenden sechs Jahren mehr als 40 hoch belastete Strecken grundlegend sanieren. Das kündigte der Konzern am Donnerstag in Berlin an. Die Arbeiten sollen jeweils mehrere Monate dauern, in denen die Abschnitte vollständig gesperrt werden.",
        "Den Anfang macht im Sommer die Riedbahn zwischen Frankfurt und Mannheim. Für Fahrgäste bedeutet das Umleitungen, längere Fahrzeiten und Ersatzbusse. Güterzüge sollen über Nebenstrecken fahren.",
        "## Kritik von Fahrgastverbänden",
        "Der Fahrgastverband begrüßte grundsätzlich, dass die marode Infrastruktur erneuert werde. Er kritisierte aber, dass viele Ersatzkonzepte noch nicht feststünden. „Pendler brauchen jetzt Planungssicherheit“, sagte ein Sprecher.",
        "Nach Angaben des Verkehrsministeriums stehen für die Sanierung bis 2027 rund 27 Milliarden Euro zur Verfügung. Ob das Geld reicht, ist unter Experten umstritten.",
        "Die Bahn verspricht, dass die sanierten Strecken danach für Jahre weitgehend ohne Baustellen auskommen. Die Pünktlichkeit im Fernverkehr lag zuletzt bei nur 64 Prozent.",
    ])

ARTICLES["fr-vendanges"] = dict(
    title="Les vendanges commencent tôt en Bourgogne à cause de la chaleur",
    dek="Les vignerons récoltent avec deux semaines d'avance.",
    authors=["Claire Dubois"], date="2023-08-28T09:00:00+02:00", lang="fr",
    paras=[
        "Les premières grappes de pinot noir ont été coupées lundi matin dans plusieurs domaines de la Côte de Beaune, avec près de deux semaines d'avance sur le calendrier habituel, en raison d'un été particulièrement chaud et sec.",
        "« Nous n'avions jamais commencé aussi tôt », explique Hélène Morel, vigneronne à Meursault, qui a mobilisé une équipe de vingt-cinq cueilleurs. « Les raisins sont sains, mais il faut aller vite pour garder de l'acidité. »",
        "Selon la chambre d'agriculture, les volumes devraient être proches de la moyenne des cinq dernières années, après une récolte 2022 déjà abondante. Les orages de juillet ont toutefois provoqué de la grêle sur quelques parcelles.",
        "## Une main-d'œuvre difficile à trouver",
        "Comme chaque année, les domaines peinent à recruter des saisonniers. Certains ont fait appel à des étudiants étrangers, d'autres ont investi dans des machines à vendanger, une pratique encore mal vue pour les grands crus.",
        "Les vendanges devraient se poursuivre jusqu'à la mi-septembre dans les secteurs les plus tardifs.",
    ])

ARTICLES["es-sequia"] = dict(
    title="Cataluña declara la emergencia por sequía en Barcelona",
    dek="Las restricciones afectan a seis millones de personas.",
    authors=["Jordi Puig", "Lucía Fernández"], date="2024-02-01T13:20:00+01:00", lang="es",
    paras=[
        "El Gobierno catalán declaró este jueves el estado de emergencia por sequía en Barcelona y su área metropolitana, después de que las reservas de los embalses que abastecen a la región cayeran por debajo del 16 por ciento de su capacidad.",
        "La medida, que afecta a unos seis millones de personas, limita el consumo de agua a 200 litros por habitante y día, prohíbe el riego de jardines y el llenado de piscinas, y reduce en un 80 por ciento el agua destinada a la agricultura.",
        "«Estamos ante la peor sequía desde que hay registros», afirmó el presidente regional en una comparecencia en el Palau de la Generalitat. Añadió que el Gobierno estudia traer agua en barco desde otras zonas de España si no llueve en los próximos meses.",
        "Los ayuntamientos tendrán que vigilar el cumplimiento de las restricciones y podrán imponer multas a los grandes consumidores que superen los límites.",
    ])

ARTICLES["pl-most"] = dict(
    title="Nowy most na Wiśle otwarty dla kierowców",
    dek="Przeprawa ma odciążyć centrum miasta.",
    authors=["Katarzyna Nowak"], date="2023-09-30T11:00:00+02:00", lang="pl",
    paras=[
        "W sobotę rano kierowcy po raz pierwszy przejechali nowym mostem na Wiśle, który łączy dwie dzielnice miasta i ma odciążyć zatłoczone centrum. Budowa przeprawy trwała niemal cztery lata i kosztowała ponad 600 milionów złotych.",
        "Most ma długość 1,2 kilometra, po dwa pasy ruchu w każdym kierunku, a także wydzieloną drogę rowerową i szerokie chodniki. Według urzędników codziennie może z niego korzystać nawet 40 tysięcy samochodów.",
        "„To najważniejsza inwestycja drogowa w historii miasta” – powiedział prezydent miasta podczas uroczystego otwarcia. Mieszkańcy okolicznych osiedli obawiają się jednak wzrostu hałasu.",
        "Do końca roku na moście mają zostać zamontowane ekrany akustyczne oraz nowe oświetlenie.",
    ])

ARTICLES["ja-sakura"] = dict(
    title="桜の開花、東京で平年より早く　気象庁が発表",
    dek="",
    authors=["山田太郎"], date="2024-03-21T14:00:00+09:00", lang="ja",
    paras=[
        "気象庁は２１日、東京都心で桜が開花したと発表した。平年より３日早く、昨年より７日遅い開花となった。靖国神社の標本木で、基準となる５輪以上の花が咲いているのを職員が確認した。",
        "今年は２月に気温の高い日が続いたが、３月に入ってから寒の戻りがあり、つぼみの成長がやや遅れていた。満開は来週後半になる見込みだという。",
        "都内の公園では、開花の発表を受けて多くの人が花見の場所取りをする姿が見られた。上野公園を訪れた会社員の男性は「今年もこの季節が来てうれしい」と話した。",
        "気象庁によると、今後１週間は平年並みの気温が続く見通しで、週末には各地で見頃を迎えそうだ。",
    ])

ARTICLES["it-treni"] = dict(
    title="Sciopero dei treni, venerdì a rischio i collegamenti regionali",
    dek="",
    authors=["Marco Conti"], date="2024-01-24T08:30:00+01:00", lang="it",
    paras=[
        "Venerdì sarà una giornata difficile per i pendolari: i sindacati dei trasporti hanno confermato uno sciopero nazionale di otto ore del personale ferroviario, dalle 9 alle 17, che coinvolgerà treni regionali e a lunga percorrenza.",
        "Le aziende ferroviarie hanno pubblicato l'elenco dei servizi minimi garantiti, che comprendono i treni in partenza nelle fasce pendolari della mattina e della sera. I passeggeri potranno chiedere il rimborso dei biglietti dei treni cancellati.",
        "I sindacati protestano contro le aggressioni al personale di bordo, aumentate negli ultimi mesi, e chiedono più agenti di sicurezza sulle linee considerate a rischio.",
    ])

ARTICLES["en-wire-shipping"] = dict(
    title="Shipping Firms Reroute Vessels as Canal Drought Deepens",
    dek="",
    authors=["Anna Lindqvist"], date="2023-11-02T10:41:00Z", lang="en",
    paras=[
        "ROTTERDAM, Nov 2 (Newswire) - Several of the world's largest container lines said on Thursday they would send more ships around Cape Horn rather than wait for slots at the drought-hit canal, adding up to two weeks to some voyages between Asia and the U.S. East Coast.",
        "Water levels in the lake that feeds the canal's locks have fallen to their lowest for the time of year since records began, forcing the authority that runs it to cut the number of daily transits to 25 from the usual 36.",
        "\"We are not going to keep ships waiting at anchor for three weeks,\" a spokesperson for one of the carriers said. \"For some customers the longer route is simply more reliable.\"",
        "Freight rates on the affected routes have risen by about a third since August, according to an industry index, although they remain well below the peaks seen during the pandemic.",
        "The canal authority said it expected conditions to improve once the rainy season returned, but warned that restrictions could last into next year.",
        "Reporting by Anna Lindqvist; Editing by Mark Holloway",
    ])

ARTICLES["pt-nextjs-eleicao"] = dict(
    title="Câmara aprova reforma tributária em segundo turno",
    dek="Texto segue agora para o Senado.",
    authors=["Beatriz Souza"], date="2023-07-07T02:15:00-03:00", lang="pt-BR",
    paras=[
        "A Câmara dos Deputados aprovou na madrugada desta sexta-feira, em segundo turno, a proposta de emenda à Constituição que reforma o sistema de impostos sobre o consumo. Foram 375 votos a favor e 113 contra.",
        "O texto substitui cinco tributos por um imposto sobre valor agregado dividido entre a União, os estados e os municípios, com uma transição que deve durar até 2033.",
        "O presidente da Câmara comemorou o resultado e disse que a reforma era discutida havia mais de trinta anos. Governadores de alguns estados, porém, criticaram o fundo criado para compensar perdas de arrecadação.",
        "A proposta segue agora para o Senado, onde precisa ser aprovada em dois turnos por pelo menos três quintos dos senadores.",
    ])

ARTICLES["ru-pogoda"] = dict(
    title="В Москве ожидается рекордный снегопад",
    dek="",
    authors=["Ирина Петрова"], date="2024-01-12T08:00:00+03:00", lang="ru",
    paras=[
        "Синоптики предупредили жителей Москвы о сильном снегопаде, который начнётся вечером в пятницу и продлится до утра воскресенья. За двое суток в городе может выпасть до половины месячной нормы осадков.",
        "Городские службы перевели технику на усиленный режим работы. На улицы выйдут более десяти тысяч единиц снегоуборочной техники, сообщили в мэрии.",
        "Водителям рекомендуют по возможности отказаться от поездок на личном транспорте и пользоваться метро. Ожидается, что в выходные дни нагрузка на дороги будет особенно высокой.",
        "По данным метеорологов, после снегопада в столицу придут морозы: ночью температура может опуститься до минус двадцати пяти градусов.",
    ])

ARTICLES["en-newsletter-essay"] = dict(
    title="The Quiet Return of the Night Train",
    dek="Sleeper services are back across Europe. Can they last?",
    authors=["Jonah Feld"], date="2024-04-02T06:00:00Z", lang="en",
    paras=[
        "Ten years ago the night train looked finished. One by one, Europe's state railways closed their sleeper routes, blaming cheap flights and ageing carriages that cost more to maintain than they earned.",
        "Today the picture is very different. New operators have launched routes from Brussels to Berlin and from Amsterdam to Prague, and Austria's railway has ordered dozens of new sleeper coaches with private cabins and showers.",
        "The demand is real. On popular routes, tickets for summer weekends sell out within hours of going on sale, and surveys suggest that many passengers choose the train to avoid the carbon emissions of flying.",
        "But the economics remain fragile. A sleeper carriage carries a fraction of the passengers of a day coach, needs staff through the night and spends the daytime parked in a siding earning nothing.",
        "## What would help",
        "Operators say the biggest obstacle is the cost of track access, which in some countries is charged per kilometre regardless of the time of day. Cutting those fees for night services, they argue, would cost governments little.",
        "Whether politicians will listen is another matter. For now, the night train survives on enthusiasm, subsidies and the stubborn appeal of falling asleep in one country and waking up in another.",
    ])
