"""Replica items modelled on real ones: shared/samples/labelled_items.json (ids in comments).

Their titles, URLs, dates and texts are the samples' own; bodies there are excerpts, so the
replica continues them with catalogue paragraphs. Where a sample's date or URL is unknown the
replica invents one, and says so here.
"""

from __future__ import annotations

from typing import NamedTuple


class Sample(NamedTuple):
    site: str
    key: str  # OSCE node id; INTERPOL "<YYYY>/<Slug>"
    section: str  # OSCE section slug, INTERPOL old-site code ("PR032") or ""
    date: str
    place: str
    style: str  # dateline style, see catalogue.py
    content_type: str
    fields: str
    relevance: str
    title: str
    paragraphs: tuple[str, ...]  # the first without its dateline
    flags: str = ""  # "no-date": the article page shows no date (listings still do)


SAMPLES = (
    Sample("osce", "74659", "bishkek", "2010-12-20", "BISHKEK", "hyphen", "PR", "BM POL",
           "primary",
           "OSCE Centre in Bishkek supports training border officers to use Interpol database",
           ("A training course for Kyrgyz border troops officers from remote border checkpoints in "
            "south Kyrgyzstan on the practical use of the Interpol database, organized by the "
            "Interpol National Central Bureau with the support of the OSCE Centre in Bishkek, "
            "started today in Bishkek.",
            "During the five-day training course ten border officers will learn both theory and "
            "practice in using the Interpol databases, particularly with regard to stolen and "
            "lost travel documents.")),  # id 4
    Sample("osce", "424517", "secretariat", "2019-06-29", "", "none", "PR", "BM CT", "secondary",
           "Cross-border challenges in identification of potential foreign terrorists fighters "
           "focus of advanced OSCE mobile training team train-the-trainer course in Istanbul",
           ("An advanced train-the-trainer course on the identification of potential foreign "
            "terrorists fighters (FTFs) at the borders was organized by the Transnational Threats "
            "Department’s Border Security and Management Unit with support of the Government of "
            "Turkey from 24 to 29 June 2019 in Istanbul.",
            "The training programme covered international legal frameworks, travel documents "
            "security, effective use of Interpol databases, advance passenger information, risk "
            "analysis.",
            "Mobile Training Team members from Georgia, North Macedonia, Bosnia and Herzegovina "
            "and experts from INTERPOL, the OSCE Transnational Threat Department’s Border Security "
            "and Management Unit (BSMU), Austria and the United States delivered presentations."),
           flags="no-date"),  # id 6: "Publishing date not shown"
    # id 8: seen only as /node/580531 with no year; the replica dates it 14 October 2024
    Sample("osce", "580531", "secretariat", "2024-10-14", "", "none", "N", "BM CT", "secondary",
           "Addressing cross-border travel of suspected foreign terrorist fighters and criminals "
           "in focus at joint OSCE and UNODC advanced training of trainers",
           ("From 5 to 13 October, the OSCE Secretariat’s Transnational Threats Department/Border "
            "Security and Management Unit jointly with UNODC’s Terrorism Prevention Branch, "
            "delivered capacity-building training for twenty officers from border and customs "
            "services in Tashkent, Uzbekistan.",
            "The training course was delivered by the OSCE-led MTT, as well as international "
            "experts from INTERPOL, UNHCR, UNODC, and national legal experts. In addition to "
            "capacity building, it supported the finalization of the training curriculum "
            "developed under the OSCE wide MTT initiative launched in March 2023.")),
    Sample("osce", "354326", "secretariat", "2017-11-02", "", "none", "PR", "AC", "secondary",
           "OSCE and Cyprus police organize international seminar on combating trafficking of "
           "cultural property and antiquities",
           ("Best practices and internationally available tools to prevent and counter "
            "trafficking in cultural property and antiquities was the focus of a three-day "
            "international seminar designed to build the capacity of some 60 participants from "
            "different national services, which concluded on 2 November 2017 in Larnaca.",
            "Over the course of the seminar, experts from the UN Office on Drugs and Crime, "
            "INTERPOL, EUROPOL, CULTNET, Canada, Cyprus, Greece and the United States focused on "
            "topics such as the use of the Internet for committing such crimes.")),  # id 10
    Sample("osce", "418955", "cthb", "2019-05-08", "", "none", "N", "THB MIG", "secondary",
           "Ukrainian delegation visits OSCE Secretariat and Austria’s Interior Ministry as part "
           "of project on combating human trafficking and smuggling of migrants",
           ("Representatives of Ukraine’s Ministry of Social Policy, the country’s Office of the "
            "Prosecutor General, the police and the State Service for Labour Issues visited the "
            "OSCE Secretariat and the Austrian Federal Ministry of the Interior on 7 and 8 May "
            "2019.",
            "On 7 May, the delegation met with the representatives of SPMU, the Office of the "
            "Special Representative and Co-ordinator for Combating Trafficking in Human Beings "
            "and INTERPOL.")),  # id 12
    Sample("osce", "74098", "bishkek", "2010-11-08", "NOVOPOKROVKA, Kyrgyzstan", "hyphen", "PR",
           "BM", "mention",
           "OSCE Centre in Bishkek trains border officials on travel document security",
           ("A training course that aims to strengthen travel document security in Kyrgyzstan, "
            "organized by the OSCE Centre in Bishkek, started today in the Novopokrovka Border "
            "Troops Training Centre near Bishkek.",
            "The course for officials involved in travel document security control includes "
            "sessions on how to detect forged documents, analysis, developments in global travel "
            "documentation and the use of Interpol databases.")),  # id 16
    Sample("osce", "445177", "secretariat", "2020-01-31", "BERLIN", "endash", "PR", "AC", "none",
           "Foreign and Internal Affairs Ministers of Western Balkans discuss strengthening fight "
           "against illicit trafficking in weapons for the region in Berlin",
           ("The second high-level meeting of the Franco-German initiative for the comprehensive "
            "control of Small Arms and Light Weapons (SALW) in the Western Balkans, supported by "
            "the OSCE, was held today in Berlin.",)),  # id 24
    Sample("osce", "401066", "secretariat", "2018-10-26", "MADRID", "endash", "PR", "BM MIG",
           "none",
           "OSCE organizes intensive training course in Madrid on border management for its "
           "Mediterranean Points of Contact Network",
           ("Members of the OSCE Mediterranean Points of Contact Network on border security and "
            "management completed an intensive and interactive five-day training course on "
            "various topics related to migration and border security.",
            "Experts from FRONTEX, the International Organization for Migration and UNODC "
            "delivered sessions during the course.")),  # id 26
    Sample("osce", "103861", "ashgabat", "2013-07-24", "ASHGABAT", "hyphen", "PR", "THB", "none",
           "Investigating and prosecuting human trafficking in focus of OSCE training in "
           "Turkmenistan",
           ("Investigating and prosecuting human trafficking crimes was in focus of an "
            "OSCE-organized training course that concluded in Ashgabat today.",)),  # id 28
    Sample("osce", "119912", "tajikistan", "2014-06-18", "DUSHANBE", "hyphen", "PR", "BM POL",
           "none",
           "OSCE, EU and UNDP train Tajik law enforcement agencies on chemical substances and "
           "precursors",
           ("Twenty-six officers from Tajik law enforcement agencies completed a training course "
            "on chemical substances and precursors today in Dushanbe.",)),  # id 30
    # id 32: known only from a re-publication; the replica invents its node id
    Sample("osce", "569871", "secretariat", "2024-06-11", "", "none", "N", "CYB", "secondary",
           "OSCE concludes first phase of its initiative on combating cybercrime in Central Asia",
           ("On 11 June, the OSCE Transnational Threats Department organized the concluding "
            "conference for the first phase of its flagship regional capacity-building "
            "initiative on combating cybercrime in Central Asia at the Hofburg in Vienna.",
            "Guest speakers included experts from Germany, Kazakhstan, the United Kingdom, "
            "Uzbekistan, INTERPOL Cybercrime Directorate, and the UNODC Global Programme on "
            "Cybercrime.")),
    Sample("osce", "498936", "secretariat", "2021-09-24", "", "none", "N", "CYB", "none",
           "OSCE organizes regional train-the-trainers course on cybercrime in Central Asia",
           ("A five-day OSCE regional train-the-trainers course on cybercrime for criminal "
            "justice practitioners from the five Central Asian OSCE participating States "
            "concluded on 24 September 2021.",)),  # id 34
    # id 36: known only from a re-publication; the replica invents its node id
    Sample("osce", "578201", "cthb", "2024-10-04", "", "none", "N", "BM", "none",
           "OSCE donates specialized vehicles and equipment to strengthen Moldovan Border Police",
           ("The OSCE provided specialized vehicles and equipment to the General Inspectorate of "
            "Border Police during a ceremony held on 3 October 2024 in Chisinau, Moldova.",)),
    Sample("interpol", "2016/INTERPOL-approves-agreements-to-enhance-global-security", "",
           "2016-11-10", "BALI, Indonesia", "interpol", "", "", "none",
           "INTERPOL approves agreements to enhance global security",
           ("INTERPOL has concluded cooperation agreements with several organizations to enhance "
            "the global response to transnational crime.",
            "Agreements with the World Customs Organization, the Gulf Cooperation Council Police, "
            "the International Anti-Corruption Academy and the United Nations Office on Drugs "
            "and Crime were approved by the General Assembly.")),  # id 18
    Sample("interpol", "2012/Montenegro-police-chief-s-visit-to-INTERPOL-highlights-country-s-"
           "leadership-in-regional-police-cooperation", "PR032", "2012-04-20", "LYON, France",
           "interpol", "", "", "none",
           "Montenegro police chief’s visit to INTERPOL highlights country’s leadership in "
           "regional police cooperation",
           ("Enhancing collaboration with INTERPOL against transnational organized crime in "
            "Montenegro and across Europe was the focus of a meeting today between Montenegro’s "
            "Director of Police, Božidar Vuksanović, and INTERPOL Secretary General Ronald K. "
            "Noble at the world police body’s General Secretariat headquarters.",)),  # id 20
    Sample("interpol", "2002/INTERPOL-launches-new-database-on-stolen-travel-documents", "",
           "2002-06-26", "", "none", "", "", "none",
           "INTERPOL launches new database on stolen travel documents",
           ("With the launch of a new INTERPOL database on stolen blank travel documents police "
            "officers around the world have a vital new instrument in their fight against "
            "terrorism and transnational crime.",)),  # id 22
)
