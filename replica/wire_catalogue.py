"""Border Security Wire: a regional news agency's items, as data (the replica's third site).

A third party's newsroom writes about the OSCE and INTERPOL among other things: some items
report the co-operation of the two (several of them the SAME events as replica items of the
organisations, a day apart at most, in the agency's own words), some name one organisation
only, some neither. The relevance hint follows ARCHITECTURE.md for a third party: an item that
does not name both organisations is `none`. A place opens the lead as "CITY (BSW) — " in some.
The wording is our own; the events echo replica/catalogue.py.
"""

from __future__ import annotations

from typing import NamedTuple

AGENCY = "BSW"
SITE_NAME = "Border Security Wire"


class WireSpec(NamedTuple):
    date: str
    place: str  # the dateline's city ("" for none)
    tags: str  # tag names, "|"-separated
    relevance: str
    title: str
    paragraphs: tuple[str, ...]


W = WireSpec
WIRE_ITEMS = (
    W("2023-02-08", "", "Customs|Central Asia", "none",
      "Kazakh and Kyrgyz customs services agree to share cargo data",
      ("The customs services of Kazakhstan and Kyrgyzstan will exchange electronic cargo "
       "declarations from the spring, officials of both services said on Wednesday.",
       "Hauliers have long complained of double inspections at the Kordai crossing.")),
    W("2023-03-30", "VIENNA", "OSCE|Training", "none",
      "OSCE sends mobile trainers to border posts across Central Asia",
      ("The OSCE has put together teams of trainers who will travel to remote border posts "
       "instead of bringing officers to the capitals, the organization said in Vienna.",
       "The first visits are planned for the Tajik and Kyrgyz mountain passes.")),
    W("2023-05-25", "VIENNA", "OSCE|INTERPOL|Co-operation", "primary",
      "OSCE and INTERPOL take stock of their joint action plan in Vienna",
      ("Officials of the OSCE and INTERPOL reviewed the work done under their joint action "
       "plan at a meeting in Vienna and agreed where the two organizations will focus next.",
       "Border security, firearms trafficking and cybercrime remain at the top of the list, "
       "participants told the agency.")),
    W("2023-06-16", "DUSHANBE", "OSCE|Training", "none",
      "Thirty senior border officers graduate from Dushanbe staff college",
      ("Thirty senior officers from border services of the region received their diplomas "
       "at the OSCE Border Management Staff College in Dushanbe on Thursday.",
       "The college has trained several thousand officers since it opened in 2009.")),
    W("2023-07-20", "", "Tajikistan|Afghanistan", "none",
      "Drought pushes herders across the Tajik-Afghan border, officials say",
      ("A second dry summer has driven herders to cross the Panj river in search of pasture, "
       "local officials in Khatlon province told the agency.",
       "Border guards say they turn back several groups a week.")),
    W("2023-09-07", "TASHKENT", "OSCE|INTERPOL|Training", "primary",
      "Uzbek border guards learn to query INTERPOL databases on OSCE course",
      ("Border guards from Uzbekistan's busiest crossing points spent a week learning to "
       "check passports and vehicles against INTERPOL databases on a course run by the OSCE.",
       "The course is part of a project that connects border posts to INTERPOL's I-24/7 "
       "network.")),
    W("2023-10-13", "BISHKEK", "OSCE|Policing", "none",
      "Kyrgyz police adopt crime-mapping methods with OSCE help",
      ("Police in Bishkek have begun to map reported crimes street by street, a method "
       "introduced with the help of the OSCE, the interior ministry said.",
       "Analysts say the maps already guide where patrols are sent at night.")),
    W("2023-11-28", "VIENNA", "INTERPOL", "none",
      "INTERPOL General Assembly opens in Vienna with record attendance",
      ("Police chiefs and ministers from more than 170 countries gathered in Vienna on "
       "Tuesday for the annual INTERPOL General Assembly.",
       "Delegates will elect new members of the Executive Committee before the session "
       "closes.")),
    W("2023-12-14", "", "OSCE|INTERPOL|Year in review", "mention",
      "Year in review: border agencies face new smuggling routes",
      ("Smugglers moved east this year as controls tightened in the Balkans, border "
       "officials across the region told the agency in a year-end survey.",
       "Several services said they now rely on INTERPOL notices to spot wanted travellers, "
       "and two mentioned OSCE training among the year's milestones.")),
    W("2024-01-25", "ALMATY", "Kazakhstan|China", "none",
      "New rail border crossing opens between Kazakhstan and China",
      ("A second rail crossing between Kazakhstan and China opened on Thursday, doubling "
       "the capacity for container trains on the route.",
       "Railway officials expect the first westbound trains next week.")),
    W("2024-03-07", "LYON", "INTERPOL|Drugs", "none",
      "INTERPOL and UNODC turn attention to drug shipments at sea",
      ("INTERPOL and the United Nations Office on Drugs and Crime have started a joint "
       "initiative to track drug shipments hidden in sea containers.",
       "Ports on the Black Sea and the Caspian are among those to be covered.")),
    W("2024-04-18", "SKOPJE", "OSCE|INTERPOL|Firearms", "secondary",
      "INTERPOL trainer joins OSCE workshop on firearms investigations in Skopje",
      ("An INTERPOL firearms expert taught investigators from North Macedonia how to trace "
       "seized weapons at an OSCE workshop that ended in Skopje on Thursday.",
       "The workshop also covered the handling of ballistic evidence in court.")),
    W("2024-05-22", "VIENNA", "OSCE|INTERPOL|Cybercrime", "secondary",
      "Investigators from 40 countries meet at OSCE cybercrime conference",
      ("Cybercrime investigators from some 40 countries met in Vienna for an OSCE "
       "conference, where INTERPOL experts presented recent cross-border cases.",
       "Speakers warned that ransomware groups increasingly target hospitals.")),
    W("2024-06-12", "VIENNA", "OSCE|INTERPOL|Cybercrime", "secondary",
      "INTERPOL experts brief OSCE conference on Central Asian cybercrime",
      ("INTERPOL cybercrime experts told an OSCE conference in Vienna how Central Asian "
       "police can request data from abroad during an investigation.",
       "The conference closed the first phase of an OSCE initiative on cybercrime in the "
       "region.")),
    W("2024-08-01", "", "Balkans", "none",
      "Heatwave slows traffic at Balkan border crossings",
      ("Queues of up to six hours formed at crossings between Serbia and Croatia as "
       "temperatures passed 40 degrees, motoring clubs said.",
       "Authorities opened extra lanes for buses and families with children.")),
    W("2024-09-12", "SARAJEVO", "OSCE|INTERPOL|Firearms", "secondary",
      "Firearms tracing tools shown to Balkan police at OSCE meeting in Sarajevo",
      ("INTERPOL presented its firearms tracing tools to police from the Western Balkans at "
       "a regional OSCE meeting in Sarajevo on Thursday.",
       "Participants said tracing requests still take months to answer.")),
    W("2024-10-04", "CHISINAU", "OSCE|Moldova", "none",
      "Moldovan border police receive vehicles and equipment from OSCE",
      ("Moldova's border police received off-road vehicles and thermal cameras donated by "
       "the OSCE at a ceremony in Chisinau on Friday.",
       "The equipment will be used along the eastern border.")),
    W("2024-11-21", "", "OSCE|INTERPOL|Opinion", "mention",
      "Opinion: regional police co-operation needs better data, not more meetings",
      ("Governments in the region should build a shared database of stolen vehicles, "
       "perhaps one similar to INTERPOL's, argues a former border police chief.",
       "The OSCE, he writes, has held enough conferences on the subject.")),
    W("2025-01-16", "BELGRADE", "Serbia|Hungary", "none",
      "Serbia and Hungary extend joint border patrols for another year",
      ("Serbian and Hungarian police will keep patrolling their common border together "
       "until the end of the year, the two interior ministries announced.",
       "The patrols began in 2022.")),
    W("2025-02-20", "", "OSCE|INTERPOL|Firearms", "primary",
      "Balkan firearms: OSCE and INTERPOL pledge closer co-operation",
      ("The OSCE and INTERPOL have agreed to work more closely against firearms "
       "trafficking in South-Eastern Europe, the two organizations said.",
       "Joint training and shared analysis of seizures are planned for the coming months.")),
    W("2025-04-03", "TBILISI", "INTERPOL|Georgia", "none",
      "Georgian police arrest fugitive wanted under INTERPOL Red Notice",
      ("Police in Tbilisi arrested a man wanted in three countries for fraud under an "
       "INTERPOL Red Notice, the Georgian interior ministry said on Thursday.",
       "He is expected to be extradited within weeks.")),
    W("2025-05-15", "ASHGABAT", "OSCE|INTERPOL|Border security", "primary",
      "Turkmen border posts get INTERPOL database access under OSCE project",
      ("Five more border crossing points in Turkmenistan can now check travellers against "
       "INTERPOL databases thanks to a project of the OSCE Centre in Ashgabat.",
       "Officers at the posts were trained by OSCE and INTERPOL instructors.")),
    W("2025-07-03", "VIENNA", "OSCE|INTERPOL|Firearms", "primary",
      "OSCE and INTERPOL widen joint work against gun smuggling in South-Eastern Europe",
      ("The OSCE and INTERPOL will extend their joint work against the smuggling of guns in "
       "South-Eastern Europe, officials of both organizations said in Vienna on Thursday.",
       "Investigators will get more help to trace weapons seized at borders.")),
    W("2025-08-21", "", "Lithuania", "none",
      "Border wait times fall after new electronic queue system in Lithuania",
      ("Lorry drivers now book a slot online before reaching Lithuania's eastern crossings, "
       "and waits have fallen by half, the customs service said.",
       "The system will be extended to buses in the autumn.")),
    W("2025-10-09", "GENEVA", "INTERPOL|Cultural heritage", "none",
      "Protection of cultural heritage discussed in Geneva",
      ("INTERPOL joined museums and customs services in Geneva to discuss how stolen "
       "antiquities are moved across borders.",
       "Participants called for faster checks of objects offered for sale online.")),
    W("2025-11-27", "VIENNA", "OSCE|Counter-terrorism", "none",
      "Exercise in Vienna tests response to an attack on crowded places",
      ("Police, rescue services and city officials took part in an OSCE table-top exercise "
       "in Vienna that simulated an attack on a crowded shopping street.",
       "Organizers said communication between services was the main lesson.")),
    W("2026-01-22", "VIENNA", "OSCE|INTERPOL|Co-operation", "primary",
      "OSCE and INTERPOL adopt a joint action plan running to 2028",
      ("The OSCE and INTERPOL have adopted a new joint action plan that will guide their "
       "co-operation against transnational threats until 2028.",
       "The plan covers border security, firearms, cybercrime and trafficking in human "
       "beings, officials said in Vienna.")),
    W("2026-02-12", "BISHKEK", "OSCE|INTERPOL|Training", "secondary",
      "OSCE course in Bishkek hears from INTERPOL on stolen travel documents",
      ("An INTERPOL specialist spoke about stolen and lost travel documents at an OSCE "
       "course for Kyrgyz border officers in Bishkek.",
       "The course also covered the detection of forged visas.")),
    W("2026-02-26", "LYON", "INTERPOL|Africa", "none",
      "INTERPOL signs co-operation framework with Afripol",
      ("INTERPOL and Afripol, the African Union's police co-operation body, signed a "
       "framework for joint work in Lyon on Thursday.",
       "The two bodies plan to share data on organized crime networks.")),
    W("2026-03-12", "", "Customs|Caucasus", "none",
      "Regional customs chiefs meet in Baku on transit corridors",
      ("Heads of customs services from the Caucasus and Central Asia met in Baku to speed up "
       "cargo transit between the Caspian ports.",
       "They agreed to recognise each other's seals on sealed containers.")),
)
