# Article texts of the second batch of corpus pages (written for newsflow:
# fictional events, realistic style). layouts2.py wraps them in publisher
# layouts. Fields as in articles.py; a few layouts need more:
#   paras: "## " marks a subheading, "?? " a question of an interview
#   entries (live text): (minute, heading or "", text)
#   captions (photo pages): one per picture, never part of the truth
ARTICLES2 = {}

ARTICLES2["en-regional-school-board"] = dict(
    title="School board delays vote on closing Maple Street Elementary",
    dek="Parents packed the meeting to oppose the plan.",
    authors=["Dana Whitfield"], date="2024-02-21T23:10:00-06:00", lang="en",
    paras=[
        "The Cedar Falls school board on Tuesday postponed a vote on whether to close Maple Street Elementary after more than 200 parents, teachers and former pupils crowded into the district office to speak against the plan.",
        "Superintendent Karen Voss had recommended closing the 91-year-old building at the end of the school year and moving its 240 students to two larger schools on the east side of town. The district says the building needs about $6.8 million in repairs, including a new roof and boiler.",
        "Board members voted 5-2 to delay the decision until March 19 so that staff can study an alternative proposed by a parents' group, which would keep the school open and close a smaller administrative building instead.",
        "\u201cThis school is the heart of the neighborhood,\u201d said Luis Ortega, whose two children attend Maple Street. \u201cIf it closes, families with young kids will stop moving here.\u201d",
        "Several speakers said the walk to the nearest alternative school would take young children across Highway 20, which has no pedestrian bridge near the Maple Street area.",
        "Board President Gail Hendricks said she understood the strength of feeling but warned that enrollment across the district had fallen by 11% over the past decade. \u201cWe cannot keep heating buildings that are half empty,\u201d she said.",
        "The district will hold two listening sessions before the March meeting, on March 5 and March 12, both at 6:30 p.m. in the Maple Street gym.",
    ])

ARTICLES2["en-tabloid-lottery"] = dict(
    title="Lottery winner who scooped \u00a38million gives it all away to village",
    dek="Dad-of-three says money 'would have ruined us'",
    authors=["Kerry Blake"], date="2024-05-14T17:32:00+01:00", lang="en",
    paras=[
        "A DAD who scooped \u00a38million on the lottery has given almost every penny away to his neighbours.",
        "Gary Pritchard, 52, stunned his tiny village when he knocked on doors handing out cheques after his numbers came up in March.",
        "The delivery driver kept just enough to pay off his mortgage and buy his wife Julie a new car.",
        "The rest went to the 140 households of Little Ashby, the local primary school and the village football club, which finally got floodlights.",
        "## 'IT WOULD HAVE RUINED US'",
        "Gary said: \u201cWe talked about it for a week and decided we didn't want to change who we are.",
        "\u201cI've seen what big money does to people. It would have ruined us. This way the whole village gets a lift.\u201d",
        "Pensioner Maureen Hill, 81, burst into tears when Gary handed her an envelope with \u00a350,000 inside.",
        "She said: \u201cI thought it was a joke. I've known Gary since he was a little lad selling raffle tickets.\u201d",
        "## PUB LANDLORD'S SHOCK",
        "Landlord Steve Cobb, who runs the village's only pub, The Plough, said the money had saved the business.",
        "He added: \u201cWe were weeks away from closing. Now we've got a new kitchen and the whole village comes in on a Friday.\u201d",
        "Lottery bosses said it was one of the most generous acts they had ever seen from a winner.",
    ])

ARTICLES2["en-magazine-longread"] = dict(
    title="The Last Lighthouse Keepers",
    dek="Automation emptied the towers decades ago. A few families never quite left.",
    authors=["Miriam Achterberg"], date="2024-03-04T05:00:00-05:00", lang="en",
    paras=[
        "The light at Skerrow Head still turns every night, though nobody has climbed its hundred and twelve steps to tend it since 1991. A sensor decides when dusk has come; a computer in a city three hundred miles away notices if the lamp fails. Down below, in the keeper's cottage with its whitewashed walls, Agnes MacRae makes tea for visitors and apologises for the wind.",
        "She was born in that cottage. Her father kept the light for twenty-six years, and his father before him for nineteen, and when the men from the lighthouse board came to install the automatic equipment they told her mother, kindly, that the family would have six months to find somewhere else to live. That was thirty-three years ago. Agnes is still there.",
        "How she stayed is a story of paperwork, stubbornness and a clerical error that nobody has ever had the heart to correct. The cottage, it turned out, had never been formally transferred to the board when the old private lighthouse company was wound up in the 1950s. For a decade, lawyers argued about who owned it. By the time they agreed, Agnes's mother was too ill to move, and nobody wanted to be the official who evicted her.",
        "## A vanishing trade",
        "At the height of the service, more than two hundred keepers lived at lighthouses around the coast, often with their families, on rocks and headlands that could be cut off by weather for weeks at a time. The work was monotonous and exacting: trimming wicks, winding the clockwork that turned the lens, polishing brass, logging the weather every three hours through the night.",
        "Automation arrived slowly and then all at once. Electric lamps replaced paraffin, and then remote monitoring made the keepers themselves unnecessary. The last manned station on the mainland was automated in 1998. Most of the cottages were sold as holiday homes; some fell into ruin.",
        "The keepers scattered. Some found work on the ferries or the oil rigs; others retired to towns where they were, as one former keeper put it to me, \u201cjust another old man who talks too much about the weather.\u201d A handful, like Agnes, never left at all.",
        "## Keeping the log",
        "What surprised me most, on my three visits to Skerrow Head, was how much of the old routine survives. Every evening at sunset Agnes walks to the foot of the tower and writes in a ledger: the time the light came on, the wind, the state of the sea, any ships she has seen. No one asks her to. No one reads it.",
        "\u201cMy father would have wanted it kept,\u201d she said, when I asked why. Then, after a long pause: \u201cAnd someone should notice if it doesn't come on.\u201d",
        "She has noticed three times. On each occasion she rang the number on the card pinned by her telephone, and on each occasion the engineers on the other end of the line already knew. Once, in a storm in 2014, the backup lamp failed too, and for forty minutes the headland was dark. Agnes stood at the window with a torch, as if that could help. A fishing boat came in safely anyway.",
        "## The future of the towers",
        "The lighthouse board is now considering whether some lights are needed at all. Satellite navigation has made many of them redundant for commercial shipping, and each one costs tens of thousands a year to maintain. Skerrow Head is on a list of stations under review.",
        "Agnes has read the consultation document twice. She does not think the light will be switched off in her lifetime, and she is not sure what she would do if it were. \u201cI suppose I'd still write it down,\u201d she said. \u201cThe time it didn't come on.\u201d",
    ])

ARTICLES2["en-press-release-robotics"] = dict(
    title="Northwind Robotics Opens $120 Million Manufacturing Plant in Ohio, Creating 450 Jobs",
    dek="New facility will build autonomous warehouse robots for North American customers",
    authors=["Northwind Robotics"], date="2024-03-05T08:00:00-05:00", lang="en",
    paras=[
        "COLUMBUS, Ohio, March 5, 2024 /PRNewswire/ -- Northwind Robotics, a maker of autonomous mobile robots for warehouses and factories, today announced the opening of a $120 million manufacturing plant in Columbus, Ohio. The 310,000-square-foot facility will create 450 jobs over the next three years and will build the company's Atlas and Courier robot lines for customers across North America.",
        "Highlights of the new facility include:",
        "- Annual capacity of up to 12,000 robots when fully operational in 2026",
        "- A training center offering free robotics maintenance courses in partnership with Columbus State Community College",
        "- Rooftop solar panels expected to supply about 40 percent of the plant's electricity",
        "\"Demand for warehouse automation in North America has more than doubled since 2021, and our customers want robots built close to where they operate,\" said Elena Marsh, chief executive officer of Northwind Robotics. \"Ohio gives us a skilled workforce, excellent logistics connections and a state government that has been a true partner.\"",
        "The plant received support from JobsOhio and a 15-year job creation tax credit approved by the Ohio Tax Credit Authority. Hiring for production, engineering and quality roles has begun, and the company expects to fill the first 150 positions by the end of the year.",
        "\"Northwind's investment is another sign that advanced manufacturing is choosing Ohio,\" said Lieutenant Governor Mark Delaney, who attended the opening ceremony.",
        "## About Northwind Robotics",
        "Northwind Robotics designs and manufactures autonomous mobile robots that move goods in warehouses, distribution centers and factories. Founded in 2016 and headquartered in Pittsburgh, the company has deployed more than 30,000 robots for customers in retail, grocery, automotive and third-party logistics. For more information, visit www.northwindrobotics.example.",
    ])

ARTICLES2["en-sports-live-derby"] = dict(
    title="Riverton v Harbour City: Live updates from the derby",
    dek="Follow all the action from Mill Road as the rivals meet in the cup quarter-final.",
    authors=["Sam Price"], date="2024-02-24T15:00:00Z", lang="en",
    entries=[
        ("FT", "Riverton into the semi-finals!", "It is all over at Mill Road. Riverton have beaten their old rivals 2-1 and the home end is a wall of noise. Harbour City will feel hard done by after dominating the second half, but Okafor's late header settled it."),
        ("90+4'", "", "Harbour City win a corner. Their goalkeeper goes up. The ball is cleared to halfway and the referee looks at his watch."),
        ("90'", "", "Four minutes of added time are signalled. Riverton have brought on an extra defender and are happy to sit deep."),
        ("86'", "GOAL! Riverton 2-1 Harbour City", "Okafor! The substitute rises highest at the back post to meet Lindgren's cross and powers his header into the far corner. What a moment for the 19-year-old, who has been on the pitch for four minutes."),
        ("78'", "", "Yellow card for Silva, who pulls back Moreno as he breaks through the middle. That is a booking he was happy to take."),
        ("71'", "", "Chance for Harbour City! Moreno cuts inside and curls a shot that beats the goalkeeper but bounces back off the post. The visitors are on top now."),
        ("58'", "GOAL! Riverton 1-1 Harbour City", "The visitors are level. A quick free-kick catches the home defence asleep and Adeyemi slides the ball under the goalkeeper from six yards out."),
        ("HT", "Half-time: Riverton 1-0 Harbour City", "A lively first half ends with the home side in front thanks to Carter's early goal. Harbour City have had more of the ball but have rarely troubled the goalkeeper."),
        ("12'", "GOAL! Riverton 1-0 Harbour City", "Carter scores! The captain collects a loose ball on the edge of the area and drills a low shot through a crowd of players into the bottom corner."),
        ("1'", "", "We are under way at a packed Mill Road. The last derby here ended goalless, but nobody expects the same today."),
    ])

ARTICLES2["en-opinion-transit"] = dict(
    title="Our city keeps building roads it cannot afford to maintain",
    dek="Every new interchange is a promise our grandchildren will have to keep.",
    authors=["Rebecca Osei"], date="2024-04-09T11:00:00-04:00", lang="en",
    paras=[
        "Last month the city council approved another $340 million highway interchange on the northern edge of town. It passed with barely a debate. Nobody asked the question that should have been asked first: who is going to pay to fix it in thirty years?",
        "That is not a rhetorical question. The city already owns more roads, bridges and pipes than its tax base can maintain. According to the public works department's own estimate, the backlog of deferred repairs stands at $1.9 billion, more than four times the annual budget.",
        "Every new subdivision at the edge of town adds miles of pavement, water mains and sewer lines. The developer pays for the first round of construction. The city pays for everything after that, forever. The property taxes those neighborhoods generate do not come close to covering the cost of replacing what was built for them.",
        "This is not an argument against growth. It is an argument for growth that pays its way. Older neighborhoods near downtown, with their narrow lots and mixed uses, produce several times more tax revenue per acre than the cul-de-sacs that surround them, and they cost far less to serve.",
        "## A better rule",
        "The council could adopt a simple rule: no new road or pipe gets approved without a plan, and a budget line, for its eventual replacement. Some cities already do this. It forces an honest conversation about what we can afford.",
        "It would also change what gets built. Fixing the potholes on streets people already live on would start to look like a better deal than paving farmland.",
        "We are not short of good ideas in this city. We are short of the discipline to count the cost of our decisions before we make them.",
    ])

ARTICLES2["en-qa-chef"] = dict(
    title="Chef Ana Ruiz on running a kitchen without a freezer",
    dek="The owner of Tallow talks about waste, suppliers and why she closes on Saturdays.",
    authors=["Owen Gallagher"], date="2024-01-30T09:00:00Z", lang="en",
    paras=[
        "When Ana Ruiz opened Tallow in a former bicycle shop three years ago, she made an unusual decision: the restaurant would have no freezer. Everything on the menu is bought, prepared and served within a few days, and what is left over becomes staff meals, stock or compost.",
        "The approach has earned the 36-seat restaurant a loyal following and, last month, a place on the national list of the best new restaurants. We spoke to Ruiz about how it works.",
        "This interview has been edited for length and clarity.",
        "?? Why no freezer?",
        "It started as a practical thing. The kitchen was tiny and a freezer would have taken up a quarter of it. But it quickly became a discipline. If you can't freeze anything, you have to order exactly what you need and use all of it.",
        "?? Doesn't that make the menu unpredictable?",
        "Completely. We print it every afternoon. Some regulars come in and ask what we have rather than reading it. If the fish market had a bad morning, there is no fish, and people have come to accept that.",
        "?? How do your suppliers feel about it?",
        "They were confused at first. I order smaller amounts more often, which is more work for them. But we pay on time and we take the odd cuts that other restaurants don't want, so now they call me when they have something unusual.",
        "?? You close on Saturdays, which is unusual for a restaurant.",
        "Saturday is our cook's day off, all of us at once. People said we were mad to give up the busiest night. But nobody here has burned out in three years, and I think you can taste that.",
        "?? What's next?",
        "Honestly, nothing bigger. I get offers to open a second place. I'd rather make this one better.",
    ])

ARTICLES2["en-photo-essay-market"] = dict(
    title="In pictures: the last days of the Eastgate covered market",
    dek="After 130 years, traders pack up as the hall closes for redevelopment.",
    authors=["Priti Bhatt"], date="2024-06-28T07:00:00+01:00", lang="en",
    paras=[
        "For 130 years the covered market at Eastgate has sold fish, fabric, keys, cakes and almost everything else under its cast-iron roof. On Saturday its doors close for a four-year redevelopment that will turn the hall into a food court with flats above.",
        "Of the 41 traders who were working there when the plans were approved, 17 have taken up the council's offer of a stall in a temporary market on the car park opposite. The rest have retired, moved online or left the city.",
        "The council says the traders will be offered space in the new hall at the same rents when it opens in 2028. Many say they doubt they will still be in business by then.",
    ],
    captions=[
        "Frank Doyle, 74, has sold fish from the same marble counter since 1968. He is retiring and says he will not return when the market reopens. Photograph: Priti Bhatt",
        "The market's cast-iron roof, built in 1894, will be restored as part of the redevelopment. The glass panels were replaced after bomb damage in 1941. Photograph: Priti Bhatt",
        "Sisters Noor and Aisha Rahman run a fabric stall started by their grandmother. They are moving to the temporary market across the road. Photograph: Priti Bhatt",
        "A locksmith's stall, one of the oldest businesses in the hall, on its final week of trading. Its owner plans to work from a van. Photograph: Priti Bhatt",
        "Customers queue at the Eastgate bakery on Thursday morning, two days before the closure. The bakery has found a new shop in the high street. Photograph: Priti Bhatt",
        "Handwritten signs thank customers for their loyalty. Several traders said the last month had been their busiest in years. Photograph: Priti Bhatt",
    ])

ARTICLES2["en-inline-related-wildfire-smoke"] = dict(
    title="Smoke from Canadian wildfires prompts air quality alert across metro area",
    dek="",
    authors=["Jordan Ellis"], date="2024-06-06T14:20:00-05:00", lang="en",
    paras=[
        "State regulators issued an air quality alert for the entire metro area through Friday morning as smoke from wildfires in northern Canada drifted south, turning the sky hazy and the sunset a deep orange.",
        "The Pollution Control Agency said fine particle levels were expected to reach the red category, considered unhealthy for everyone, for several hours on Thursday afternoon.",
        "People with asthma, heart disease or lung conditions, as well as children and older adults, were urged to limit time outdoors and avoid strenuous activity. Several school districts moved sports practices indoors.",
        "Forecasters said a shift in the wind on Friday should push the smoke east, although more haze could return next week if the fires continue to burn.",
        "More than 200 fires are burning in the Canadian provinces of Manitoba and Saskatchewan, according to officials there, and thousands of residents have been evacuated from communities in their path.",
        "The Associated Press contributed to this report.",
    ])

ARTICLES2["ko-euckr-subway"] = dict(
    title="서울 지하철 요금 다음 달부터 150원 인상",
    dek="",
    authors=["김민수"], date="2024-09-02T10:30:00+09:00", lang="ko",
    paras=[
        "서울시는 다음 달 7일부터 지하철 기본요금을 1천400원에서 1천550원으로 150원 인상한다고 2일 밝혔다. 지하철 요금이 오르는 것은 지난해 10월 이후 약 1년 만이다.",
        "시는 만성적인 운영 적자와 노후 시설 개선 비용을 고려할 때 요금 조정이 불가피하다고 설명했다. 서울교통공사의 지난해 당기순손실은 5천억 원이 넘는 것으로 집계됐다.",
        "청소년과 어린이 요금도 함께 조정되지만, 65세 이상 노인과 장애인의 무임승차 제도는 그대로 유지된다. 버스 요금은 이번 인상 대상에서 제외됐다.",
        "시민단체들은 물가 상승으로 가계 부담이 커진 상황에서 공공요금을 올리는 것은 적절하지 않다며 반발했다. 한 시민은 \u201c출퇴근 비용이 한 달에 만 원 가까이 늘어난다\u201d고 말했다.",
        "서울시는 요금 인상으로 확보되는 재원을 전동차 교체와 역사 냉방 시설 개선 등에 우선 투입할 계획이라고 밝혔다.",
    ])

ARTICLES2["zh-gb18030-rail"] = dict(
    title="成渝中线高铁全线铺轨完成 预计明年开通运营",
    dek="",
    authors=["李明"], date="2024-10-15T16:20:00+08:00", lang="zh",
    paras=[
        "记者15日从国铁集团获悉，成渝中线高铁全线铺轨工作已于当天顺利完成，标志着这条连接成都和重庆的高速铁路进入联调联试阶段，预计明年年底前开通运营。",
        "成渝中线高铁全长约292公里，设计时速350公里，沿线设置8座车站。建成后，成都与重庆之间的最快旅行时间将缩短至50分钟左右，两地将形成\u201c一小时交通圈\u201d。",
        "据介绍，该线路沿途地质条件复杂，桥梁和隧道占线路总长度的七成以上。建设过程中，施工单位采用了多项新技术，有效解决了软土地基和岩溶隧道等难题。",
        "专家表示，这条线路的建成将进一步加强成渝地区双城经济圈的联系，带动沿线城市的产业发展和人员往来。",
    ])

ARTICLES2["ru-koi8r-bridge"] = dict(
    title="В Заречном районе закрыли на ремонт старый мост",
    dek="",
    authors=["Сергей Волков"], date="2023-06-19T09:00:00+03:00", lang="ru",
    paras=[
        "С понедельника в Заречном районе закрыто движение по старому мосту через реку Сосновку. Ремонт продлится до конца сентября, сообщили в городской администрации.",
        "Мост был построен в 1967 году и последний раз ремонтировался более двадцати лет назад. Весной специалисты обнаружили трещины в опорах и рекомендовали ограничить движение тяжелых грузовиков.",
        "На время работ автобусы маршрутов N 4 и N 12 пойдут в объезд через новый мост, время в пути увеличится примерно на десять минут. Для пешеходов рядом со старым мостом установят временный понтонный переход.",
        "\"Мы понимаем, что жителям будет неудобно, но откладывать ремонт дальше нельзя\", - заявил заместитель главы администрации Андрей Козлов.",
        "Стоимость работ составит около 85 миллионов рублей. Подрядчик обязан завершить ремонт до начала отопительного сезона.",
    ])

ARTICLES2["el-iso88597-ferry"] = dict(
    title="Απεργία στα πλοία την Πέμπτη: δεμένα τα πλοία στα λιμάνια",
    dek="",
    authors=["Νίκος Παπαδόπουλος"], date="2024-04-16T12:40:00+03:00", lang="el",
    paras=[
        "Δεμένα στα λιμάνια θα παραμείνουν τα πλοία την Πέμπτη, καθώς η Πανελλήνια Ναυτική Ομοσπονδία κήρυξε 24ωρη απεργία σε όλες τις κατηγορίες πλοίων, διαμαρτυρόμενη για το νέο νομοσχέδιο για τις συλλογικές συμβάσεις.",
        "Η απεργία θα ξεκινήσει στις 6 το πρωί της Πέμπτης και θα λήξει στις 6 το πρωί της Παρασκευής. Τα ακτοπλοϊκά γραφεία συστήνουν στους επιβάτες να επικοινωνήσουν με τις εταιρείες για την αλλαγή των εισιτηρίων τους.",
        "Οι ναυτεργάτες ζητούν αυξήσεις στους μισθούς, τήρηση των οργανικών συνθέσεων στα πλοία και μέτρα για την ασφάλεια στην εργασία. «Οι συνθήκες στα πλοία χειροτερεύουν χρόνο με τον χρόνο», δήλωσε εκπρόσωπος της ομοσπονδίας.",
        "Το υπουργείο Ναυτιλίας κάλεσε τα σωματεία σε διάλογο και υποστήριξε ότι το νομοσχέδιο προστατεύει τα δικαιώματα των εργαζομένων.",
    ])

ARTICLES2["tr-iso88599-earthquake"] = dict(
    title="Ege'de 5,1 büyüklüğünde deprem: Can kaybı yok",
    dek="",
    authors=["Ayşe Yılmaz"], date="2024-08-08T07:15:00+03:00", lang="tr",
    paras=[
        "Ege Denizi'nde sabah saatlerinde meydana gelen 5,1 büyüklüğündeki deprem, İzmir ve çevre illerde de hissedildi. Afet ve Acil Durum Yönetimi Başkanlığı, depremin merkez üssünün Seferihisar açıkları olduğunu ve yerin yaklaşık 10 kilometre altında gerçekleştiğini açıkladı.",
        "Depremin ardından bazı vatandaşlar panikle sokaklara çıktı. Yetkililer, ilk belirlemelere göre can kaybı ya da ağır hasar bulunmadığını, birkaç eski binada çatlaklar oluştuğunu bildirdi.",
        "İzmir Valiliği, ekiplerin bölgede hasar tespit çalışmalarını sürdürdüğünü ve vatandaşların hasarlı binalara girmemesi gerektiğini duyurdu.",
        "Uzmanlar, bölgede artçı sarsıntıların birkaç gün daha sürebileceği uyarısında bulundu.",
    ])

ARTICLES2["ar-cp1256-water"] = dict(
    title="افتتاح محطة جديدة لتحلية المياه على ساحل البحر الأحمر",
    dek="",
    authors=["أحمد سالم"], date="2024-05-20T11:00:00+03:00", lang="ar",
    paras=[
        "افتتحت وزارة المياه اليوم الاثنين محطة جديدة لتحلية مياه البحر على ساحل البحر الأحمر، بطاقة إنتاجية تصل إلى ثلاثمئة ألف متر مكعب يوميا، لتلبية احتياجات أكثر من مليون نسمة في المدن الساحلية.",
        "وقال وزير المياه خلال حفل الافتتاح إن المحطة تعتمد على تقنية التناضح العكسي، وتستهلك طاقة أقل بنحو الثلث مقارنة بالمحطات القديمة، كما يغطي جزء من احتياجاتها من الكهرباء بواسطة ألواح الطاقة الشمسية.",
        "وأضاف أن المشروع يأتي ضمن خطة وطنية لتقليل الاعتماد على المياه الجوفية، التي تراجعت مستوياتها بشكل كبير خلال العقدين الماضيين.",
        "ومن المتوقع أن تبدأ المحطة الضخ في شبكة المياه بشكل تدريجي خلال الأسابيع المقبلة، على أن تصل إلى طاقتها الكاملة بحلول نهاية العام.",
    ])

ARTICLES2["nl-regional-ferry"] = dict(
    title="Veerpont Schoonhoven vaart weer na maanden stilstand",
    dek="Forenzen zijn opgelucht, maar de dienstregeling is beperkt.",
    authors=["Marloes de Vries"], date="2024-03-11T06:30:00+01:00", lang="nl",
    paras=[
        "Na ruim vier maanden stilstand vaart de veerpont tussen Schoonhoven en Gelkenes sinds maandagochtend weer. De pont lag sinds november aan de kant vanwege een kapotte motor en een tekort aan schippers.",
        "Voor veel forenzen en scholieren betekende dat een omweg van ruim twintig minuten via de brug bij Krimpen. \u201cIk ben blij dat het voorbij is\u201d, zegt Henk Verhoef, die elke dag met de fiets naar zijn werk in Gorinchem gaat.",
        "De pont vaart voorlopig alleen op werkdagen tussen zes uur 's ochtends en acht uur 's avonds. In het weekend blijft de dienst uit, omdat er nog steeds te weinig schippers zijn.",
        "## Nieuwe schippers gezocht",
        "De provincie zegt met de vervoerder te zoeken naar extra personeel. Volgens een woordvoerder zijn er inmiddels twee nieuwe schippers in opleiding, die in de zomer aan de slag kunnen.",
        "De gemeente Krimpenerwaard roept inwoners op om hun ervaringen met de pont te melden, zodat problemen sneller kunnen worden opgelost.",
    ])

ARTICLES2["cs-cp1250-bear"] = dict(
    title="Medvěd se procházel po náměstí v Beskydech. Lidé ho natáčeli z oken",
    dek="",
    authors=["Petra Horáková"], date="2024-05-29T19:45:00+02:00", lang="cs",
    paras=[
        "Neobvyklou návštěvu zažili v úterý večer obyvatelé Rožnova pod Radhoštěm. Na náměstí se objevil mladý medvěd, který si v klidu prošel několik ulic a poté zmizel v lese nad městem.",
        "Lidé zvíře natáčeli z oken a videa se rychle šířila po sociálních sítích. Podle svědků medvěd nikoho neohrozil a lidem se spíše vyhýbal.",
        "„Bylo to asi deset metrů od nás. Nejdřív jsme mysleli, že je to velký pes,“ řekla Blesku paní Jana, která se zrovna vracela z obchodu.",
        "Ochránci přírody upozorňují, že mladí medvědi v tomto období opouštějí matky a hledají nové území. Lidé by se k nim neměli přibližovat ani je krmit.",
        "Pokud člověk medvěda potká, má podle odborníků zůstat v klidu, nedívat se mu přímo do očí a pomalu ustoupit.",
    ])

ARTICLES2["zh-big5-typhoon"] = dict(
    title="颱風逼近 北部山區明起停班停課",
    dek="",
    authors=["王小明"], date="2024-07-24T18:30:00+08:00", lang="zh-TW",
    paras=[
        "〔記者王小明／台北報導〕中度颱風今天持續向台灣東北部海面接近，中央氣象署預估颱風將於明天清晨至上午間登陸，北部及東北部山區累積雨量可能超過五百毫米。",
        "新北市、基隆市及宜蘭縣政府傍晚宣布，明天全天停止上班及上課。台北市政府表示將於晚間十點前公布是否停班停課。",
        "氣象署提醒，颱風外圍環流已開始影響北部地區，民眾應避免前往山區及海邊，並做好防颱準備。",
        "台鐵及高鐵表示，將視颱風動態調整明天的班次，旅客出發前應留意最新公告。",
    ])

ARTICLES2["es-entrevista-cientifica"] = dict(
    title="Laura Méndez: «Los glaciares de los Pirineos desaparecerán antes de 2050»",
    dek="La glacióloga lleva veinte años midiendo el hielo de Aneto y Monte Perdido.",
    authors=["Javier Ortega"], date="2024-02-12T07:00:00+01:00", lang="es",
    paras=[
        "Laura Méndez (Huesca, 1978) sube al glaciar de Aneto dos veces al año desde 2004. Con estacas, GPS y un dron, su equipo mide cuánto hielo se pierde cada verano. Los datos de la última campaña, publicados la semana pasada, son los peores de la serie.",
        "?? ¿Cuánto hielo queda en los Pirineos?",
        "Muy poco. La superficie total de los glaciares pirenaicos es hoy menos de la quinta parte de la que había a principios del siglo XX, y el espesor se reduce más de un metro al año en los más grandes.",
        "?? ¿Hay algo que se pueda hacer para salvarlos?",
        "Para estos glaciares, no. Son demasiado pequeños y están a muy poca altitud. Aunque mañana se dejaran de emitir gases de efecto invernadero, el clima actual ya no permite que se mantengan.",
        "?? Entonces, ¿por qué seguir midiéndolos?",
        "Porque son un laboratorio. Lo que vemos aquí pasará dentro de unas décadas en glaciares más grandes de los Alpes. Y porque es importante documentar lo que estamos perdiendo.",
        "?? ¿Qué cambiará en los valles cuando desaparezcan?",
        "El agua de los ríos en verano dependerá todavía más de la nieve y de la lluvia. Habrá cambios en la fauna y la flora de alta montaña, y también en el turismo, que ha vivido en parte de la imagen de estas cumbres blancas.",
    ])

ARTICLES2["de-kommentar-tempolimit"] = dict(
    title="Das Tempolimit ist überfällig",
    dek="Die Debatte dreht sich seit Jahren im Kreis. Dabei sprechen fast alle Argumente dafür.",
    authors=["Stefan Brenner"], date="2024-06-17T16:00:00+02:00", lang="de",
    paras=[
        "Kaum ein Thema wird in Deutschland so leidenschaftlich diskutiert wie die Geschwindigkeit auf Autobahnen. Dabei ist die Lage eigentlich klar: Ein Tempolimit von 130 Kilometern pro Stunde würde Leben retten, den Verkehr flüssiger machen und den Ausstoß von Treibhausgasen senken.",
        "Das Umweltbundesamt schätzt die Einsparung auf mehrere Millionen Tonnen CO2 im Jahr. Das ist kein Allheilmittel, aber eine Maßnahme, die praktisch nichts kostet. Schilder aufzustellen ist billiger als jedes Förderprogramm.",
        "Auch das Argument der Freiheit überzeugt nicht. Auf den meisten Autobahnabschnitten gilt schon heute eine Begrenzung, und wer zur Hauptverkehrszeit unterwegs ist, kommt ohnehin kaum schneller voran. Deutschland ist das einzige Land in Europa ohne allgemeines Tempolimit.",
        "Die Regierung sollte den Mut haben, eine Entscheidung zu treffen, die in fast allen Umfragen eine Mehrheit findet. Die Autofahrer in unseren Nachbarländern zeigen jeden Tag, dass man auch mit 130 gut ankommt.",
    ])

ARTICLES2["it-comunicato-museo"] = dict(
    title="Il Museo civico di Bergamo riapre dopo il restauro: ingresso gratuito il primo weekend",
    dek="",
    authors=["Ufficio Stampa Comune di Bergamo"], date="2024-04-05T12:00:00+02:00", lang="it",
    paras=[
        "Bergamo, 5 aprile 2024 – Dopo due anni di lavori, il Museo civico di Bergamo riapre al pubblico sabato 13 aprile con un nuovo allestimento delle collezioni archeologiche e una sala interamente dedicata alla storia della città.",
        "Il restauro dell'edificio, finanziato con 4,2 milioni di euro di fondi europei e comunali, ha permesso di rendere accessibili tutte le sale alle persone con disabilità e di installare un nuovo impianto di climatizzazione per la conservazione delle opere.",
        "«Restituiamo ai cittadini un luogo che racconta chi siamo», ha dichiarato l'assessora alla Cultura Chiara Bonetti. «Abbiamo voluto un museo aperto, pensato anche per le scuole e per le famiglie.»",
        "Nel primo fine settimana, sabato 13 e domenica 14 aprile, l'ingresso sarà gratuito per tutti. Sono previste visite guidate ogni ora dalle 10 alle 18, su prenotazione.",
    ])

ARTICLES2["sv-regional-library"] = dict(
    title="Biblioteket i Hedemora får förlängda öppettider",
    dek="",
    authors=["Johan Lindberg"], date="2024-01-22T08:00:00+01:00", lang="sv",
    paras=[
        "Från och med februari blir stadsbiblioteket i Hedemora meröppet. Det innebär att låntagare kan gå in med sitt lånekort och en pinkod mellan sju på morgonen och tio på kvällen, även när ingen personal är på plats.",
        "Kultur- och fritidsnämnden fattade beslutet på sitt möte i torsdags. Förändringen kostar omkring 400 000 kronor för kameror, nya dörrar och utbildning av personalen.",
        "– Vi vet att många vill besöka biblioteket efter jobbet eller tidigt på morgonen, säger bibliotekschefen Karin Ek.",
        "Barnavdelningen kommer dock bara att vara öppen under bemannad tid. Biblioteket vill först se hur de nya öppettiderna fungerar innan fler delar öppnas.",
    ])
