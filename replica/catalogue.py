"""The replica's generated items, as data: one line of facts, a title and a lead per item.

Bodies continue with paragraphs drawn (with a fixed seed per item) from PARAGRAPHS by the
item's relevance: `primary` items are about OSCE–INTERPOL co-operation, `secondary` ones have
one organisation take part in the other's activity, `mention` ones name the other in passing,
and `none` ones are hard negatives (the other organisation is never named). Titles, places and
dates are invented but shaped like the real ones (shared/sites/*.md, samples/labelled_items.json).

Dateline styles: hyphen "CITY, D Month YYYY - ", endash "… – ", emdash "… — ", osce
"CITY, D Month YYYY (OSCE) - ", after "CITY / CITY – D Month YYYY. ", interpol "CITY, Country – ",
none (no dateline).
"""

from __future__ import annotations

from typing import NamedTuple

FIELDS = {
    "AC": "Arms control", "BM": "Border management", "CPR": "Conflict prevention and resolution",
    "CT": "Countering terrorism", "CYB": "Cyber/ICT Security", "DEM": "Democratization",
    "ECO": "Economic activities", "EL": "Elections", "ENV": "Environmental activities",
    "GE": "Gender equality", "GG": "Good governance", "HR": "Human rights",
    "MED": "Media freedom and development", "MIG": "Migration", "POL": "Policing",
    "RL": "Rule of law", "THB": "Combating trafficking in human beings", "YOU": "Youth",
}
CONTENT_TYPES = {"PR": "Press release", "N": "News", "PS": "Press statement"}
# section slug -> ("Where we are" units, host country used in paragraphs)
SECTIONS = {
    "secretariat": (("OSCE Secretariat",), "the OSCE region"),
    "secretary-general": (("OSCE Secretary General", "OSCE Secretariat"), "the OSCE region"),
    "cthb": (("Office of the Special Representative and Co-ordinator for Combating "
              "Trafficking in Human Beings", "OSCE Secretariat"), "the OSCE region"),
    "odihr": (("Office for Democratic Institutions and Human Rights",), "the OSCE region"),
    "bishkek": (("Programme Office in Bishkek",), "Kyrgyzstan"),
    "tajikistan": (("Programme Office in Dushanbe",), "Tajikistan"),
    "ashgabat": (("Centre in Ashgabat",), "Turkmenistan"),
    "astana": (("Programme Office in Astana",), "Kazakhstan"),
    "uzbekistan": (("Project Co-ordinator in Uzbekistan",), "Uzbekistan"),
    "serbia": (("Mission to Serbia",), "Serbia"),
    "skopje": (("Mission to Skopje",), "North Macedonia"),
    "moldova": (("Mission to Moldova",), "Moldova"),
    "bih": (("Mission to Bosnia and Herzegovina",), "Bosnia and Herzegovina"),
    "montenegro": (("Mission to Montenegro",), "Montenegro"),
    "albania": (("Presence in Albania",), "Albania"),
    "ukraine": (("Project Co-ordinator in Ukraine",), "Ukraine"),
}
TOPICS = {
    "Arms control": "small arms and light weapons control", "Border management":
    "border security and management", "Countering terrorism": "countering terrorism",
    "Cyber/ICT Security": "fighting cybercrime", "Policing": "police development",
    "Combating trafficking in human beings": "combating trafficking in human beings",
    "Migration": "migration governance", "Rule of law": "strengthening the rule of law",
}


class OsceSpec(NamedTuple):
    date: str
    section: str
    place: str
    style: str
    content_type: str  # key of CONTENT_TYPES
    fields: str  # keys of FIELDS, space separated
    relevance: str
    title: str
    lead: str
    flags: str = ""  # "dateline-only": no date element and no metadata, only the dateline


class InterpolSpec(NamedTuple):
    date: str
    place: str  # "LYON, France"; "" for none
    topic: str
    relevance: str
    title: str
    lead: str
    standfirst: str = ""


Osce = OsceSpec
OSCE_ITEMS = (
    Osce("2010-03-15", "bishkek", "BISHKEK", "hyphen", "PR", "BM POL", "primary",
      "OSCE Centre and INTERPOL train Kyrgyz police on international search for fugitives",
      "A three-day course on the international search for fugitives, organized by the OSCE "
      "Centre in Bishkek together with the INTERPOL National Central Bureau, started today."),
    Osce("2010-06-02", "secretariat", "VIENNA", "hyphen", "PR", "CT", "none",
      "OSCE conference in Vienna discusses public-private partnerships in countering terrorism",
      "Some 200 representatives of governments, business and civil society gathered in Vienna "
      "today for a two-day OSCE conference on public-private partnerships against terrorism."),
    Osce("2011-05-12", "tajikistan", "DUSHANBE", "osce", "PR", "BM", "secondary",
      "Border Management Staff College course focuses on detecting forged travel documents",
      "A two-week course for border and customs officers on detecting forged travel documents "
      "opened today at the OSCE Border Management Staff College in Dushanbe."),
    Osce("2011-09-28", "secretariat", "VIENNA", "hyphen", "PR", "POL", "none",
      "OSCE meeting in Vienna discusses community policing in multi-ethnic societies",
      "Police experts from across the OSCE area discussed how community policing can build "
      "trust in multi-ethnic societies at a two-day meeting that ended today in Vienna."),
    Osce("2011-11-03", "skopje", "SKOPJE", "hyphen", "PR", "POL", "none",
      "OSCE Mission supports new basic training curriculum for police cadets",
      "The OSCE Mission to Skopje today handed over a revised basic training curriculum for "
      "police cadets to the Ministry of Interior."),
    Osce("2012-02-21", "secretariat", "VIENNA", "hyphen", "PR", "CT BM", "mention",
      "OSCE workshop in Vienna focuses on travel document security",
      "Experts from 30 OSCE participating States met in Vienna today to discuss the security "
      "of travel documents and the detection of document fraud at borders.",
      flags="dateline-only"),
    Osce("2012-06-14", "ashgabat", "ASHGABAT", "hyphen", "PR", "BM POL", "primary",
      "OSCE Centre helps Turkmen border service connect to INTERPOL's I-24/7 network",
      "The OSCE Centre in Ashgabat and INTERPOL today completed a project that connects "
      "Turkmenistan's main border crossing points to INTERPOL's I-24/7 communication system."),
    Osce("2012-10-09", "serbia", "BELGRADE", "hyphen", "PR", "MED", "none",
      "OSCE Mission to Serbia presents study on media freedom in local communities",
      "A study on the state of media freedom in local communities was presented by the OSCE "
      "Mission to Serbia in Belgrade today."),
    Osce("2013-05-22", "secretariat", "VIENNA", "hyphen", "PR", "AC", "primary",
      "OSCE, UN and INTERPOL conference addresses illicit trafficking in small arms",
      "The OSCE, the United Nations and INTERPOL today opened a two-day conference in Vienna on "
      "international instruments to counter the illicit trafficking of small arms."),
    Osce("2013-11-19", "secretariat", "ISTANBUL, Turkey", "hyphen", "PR", "AC", "primary",
      "OSCE, UN and INTERPOL help Central Asian States trace illicit small arms",
      "The OSCE, the United Nations and INTERPOL teamed up in Istanbul this week for a "
      "sub-regional workshop to help Central Asian States trace illicit small arms and light "
      "weapons."),
    Osce("2013-09-10", "moldova", "CHISINAU", "hyphen", "PR", "THB", "none",
      "OSCE Mission to Moldova trains social workers to identify victims of trafficking",
      "Some 40 social workers from across Moldova completed a two-day OSCE-supported course "
      "on identifying and assisting victims of human trafficking today in Chisinau."),
    Osce("2014-02-12", "secretariat", "VIENNA", "endash", "PR", "BM CT POL", "primary",
      "OSCE and INTERPOL sign Memorandum of Understanding to enhance co-operation",
      "OSCE Secretary General Lamberto Zannier and INTERPOL Secretary General Ronald K. Noble "
      "today signed a Memorandum of Understanding that sets the framework for co-operation "
      "between the two organizations."),
    Osce("2014-10-01", "ukraine", "KYIV", "endash", "PR", "RL HR", "none",
      "OSCE Project Co-ordinator supports training of Ukrainian judges on fair trial standards",
      "Forty judges from eastern and southern regions of Ukraine completed an OSCE-supported "
      "course on fair trial standards today in Kyiv."),
    Osce("2015-03-11", "odihr", "VIENNA/WARSAW", "endash", "PR", "CT HR", "mention",
      "OSCE publishes guidebook on human rights in counter-terrorism investigations",
      "A guidebook for law enforcement officers on respecting human rights in counter-terrorism "
      "investigations was published today by the OSCE Secretariat and ODIHR."),
    Osce("2015-06-25", "secretariat", "BELGRADE", "endash", "PR", "CT", "secondary",
      "Regional OSCE workshop in Belgrade discusses responses to foreign terrorist fighters",
      "Practitioners from South-Eastern Europe discussed how to identify and respond to the "
      "travel of foreign terrorist fighters at a two-day OSCE workshop that ended today in "
      "Belgrade."),
    Osce("2015-11-17", "bih", "SARAJEVO", "endash", "PR", "AC", "none",
      "OSCE Mission supports destruction of surplus ammunition in Bosnia and Herzegovina",
      "Some 120 tonnes of surplus ammunition were destroyed with the support of the OSCE "
      "Mission to Bosnia and Herzegovina, it was announced today in Sarajevo."),
    Osce("2016-04-14", "secretariat", "VIENNA", "endash", "PR", "BM CT", "primary",
      "OSCE and INTERPOL agree on joint activities on border security at annual staff talks",
      "Senior officials of the OSCE Secretariat and INTERPOL met in Vienna today for their "
      "annual staff talks and agreed on joint activities on border security for the year."),
    Osce("2016-09-06", "uzbekistan", "TASHKENT", "endash", "PR", "BM", "mention",
      "OSCE trains Uzbek customs officers on risk profiling at border crossings",
      "Twenty customs officers from Uzbekistan's main border crossing points completed an "
      "OSCE course on risk profiling and passenger assessment today in Tashkent.",
      flags="dateline-only"),
    Osce("2016-12-08", "secretariat", "HAMBURG", "endash", "PR", "CPR", "none",
      "OSCE Ministerial Council in Hamburg concludes with decisions on security challenges",
      "The 23rd OSCE Ministerial Council concluded today in Hamburg with decisions on "
      "countering terrorism, migration and the role of the OSCE in connectivity."),
    Osce("2017-05-16", "secretariat", "ST. JOHANN IM PONGAU, Austria", "endash", "PR",
      "BM CT THB", "primary",
      "OSCE and INTERPOL sign Joint Action Plan to strengthen co-operation against "
      "transnational threats",
      "OSCE Secretary General Lamberto Zannier and INTERPOL Secretary General Jürgen Stock today "
      "signed a Joint Action Plan for 2017 to 2020 on the margins of the 45th INTERPOL European "
      "Regional Conference."),
    Osce("2017-09-20", "bishkek", "BISHKEK", "endash", "PR", "CT BM", "primary",
      "OSCE and INTERPOL train Kyrgyz officers on identifying foreign terrorist fighters",
      "A joint OSCE-INTERPOL training course on identifying foreign terrorist fighters at "
      "border crossing points started today in Bishkek for 25 border and police officers."),
    Osce("2018-03-14", "ukraine", "KYIV", "endash", "PR", "THB MIG", "primary",
      "Joint OSCE-INTERPOL project strengthens Ukraine's capacity to combat human trafficking "
      "and migrant smuggling",
      "A joint OSCE-INTERPOL project to strengthen the capacity of Ukrainian agencies to "
      "combat trafficking in human beings and the smuggling of migrants was launched today "
      "in Kyiv."),
    Osce("2018-06-19", "serbia", "BELGRADE", "endash", "PR", "CYB POL", "mention",
      "OSCE Mission to Serbia supports specialized cybercrime prosecutors",
      "The OSCE Mission to Serbia today handed over forensic equipment to the Special "
      "Prosecutor's Office for High-Tech Crime in Belgrade."),
    Osce("2019-03-05", "secretariat", "VIENNA", "endash", "PR", "CPR", "none",
      "OSCE Chairperson-in-Office presents priorities to Permanent Council",
      "The OSCE Chairperson-in-Office today presented the priorities of the Slovak "
      "Chairmanship to the Permanent Council in Vienna."),
    Osce("2020-10-06", "albania", "TIRANA / BRUSSELS / GENEVA", "after", "PR", "MIG", "none",
      "Albania launches national action plan on migration with international support",
      "Albania today launched its national action plan on migration, prepared with the "
      "support of the OSCE Presence in Albania, the European Union and UNHCR."),
    Osce("2020-06-23", "secretariat", "", "none", "N", "BM", "secondary",
      "OSCE webinar discusses impact of COVID-19 on border security",
      "The impact of the COVID-19 pandemic on border security and management was the focus of "
      "an OSCE webinar held on 23 June 2020 for border agencies of participating States."),
    Osce("2021-03-18", "secretariat", "", "none", "N", "BM CT POL", "primary",
      "OSCE and INTERPOL review co-operation and plan joint activities for 2021",
      "Senior officials of the OSCE Transnational Threats Department and INTERPOL met online on "
      "18 March 2021 to review their co-operation and plan joint activities for the year."),
    Osce("2022-04-07", "secretariat", "", "none", "N", "BM", "mention",
      "OSCE launches e-learning course on travel document security",
      "A new OSCE e-learning course on travel document security for border and migration "
      "officials was launched on 7 April 2022."),
    Osce("2022-11-16", "montenegro", "PODGORICA", "endash", "PR", "MED", "none",
      "OSCE Mission to Montenegro supports safety of journalists",
      "Representatives of media, police and prosecution discussed the safety of journalists "
      "at an event organized by the OSCE Mission to Montenegro today in Podgorica."),
    Osce("2023-03-29", "secretariat", "VIENNA", "endash", "PR", "BM CT", "secondary",
      "OSCE launches Mobile Training Team initiative on cross-border threats",
      "The OSCE Transnational Threats Department today launched an OSCE-wide Mobile Training "
      "Team initiative to help border agencies detect suspected foreign terrorist fighters."),
    Osce("2023-06-15", "tajikistan", "DUSHANBE", "endash", "PR", "BM", "none",
      "Border Management Staff College graduates 30 senior border officials",
      "Thirty senior border officials from Central Asia and Afghanistan's neighbours graduated "
      "today from the OSCE Border Management Staff College in Dushanbe."),
    Osce("2023-10-12", "bishkek", "BISHKEK", "endash", "PR", "POL", "mention",
      "OSCE supports Kyrgyz police in introducing new crime analysis methods",
      "The OSCE Programme Office in Bishkek today concluded a five-day course on crime "
      "analysis for police analysts from across Kyrgyzstan."),
    Osce("2024-02-20", "odihr", "Warsaw", "endash", "PR", "EL DEM", "none",
      "ODIHR opens needs assessment mission ahead of parliamentary elections",
      "ODIHR today opened a needs assessment mission ahead of the upcoming parliamentary "
      "elections, following an invitation from the authorities."),
    Osce("2024-05-22", "secretariat", "VIENNA", "endash", "PR", "CYB", "secondary",
      "OSCE conference on cybercrime brings together investigators and international experts",
      "Investigators and prosecutors from across the OSCE area met in Vienna today for an "
      "OSCE conference on investigating cybercrime and handling electronic evidence."),
    Osce("2024-11-26", "secretariat", "", "none", "N", "AC", "none",
      "OSCE supports regional roadmap on small arms control in South-Eastern Europe",
      "Representatives of authorities from South-Eastern Europe reviewed progress on the "
      "regional roadmap on small arms control at a meeting held on 26 November 2024."),
    Osce("2025-04-14", "odihr", "Warsaw", "endash", "PR", "HR", "none",
      "ODIHR human rights defenders forum opens in Warsaw",
      "Human rights defenders from across the OSCE region gathered in Warsaw today for an "
      "ODIHR forum on the protection of civic space."),
    Osce("2025-07-03", "secretariat", "VIENNA", "endash", "PR", "AC BM", "primary",
      "OSCE and INTERPOL step up joint efforts against firearms trafficking in South-Eastern "
      "Europe",
      "The OSCE and INTERPOL today agreed to step up joint efforts to counter firearms "
      "trafficking in South-Eastern Europe, including joint training for border and police "
      "officers."),
    Osce("2025-09-18", "astana", "ASTANA", "endash", "PR", "ECO ENV", "none",
      "OSCE supports green economy dialogue in Kazakhstan",
      "Government, business and civil society representatives discussed the transition to a "
      "green economy at an OSCE-supported dialogue today in Astana."),
    Osce("2025-11-27", "secretariat", "", "none", "N", "CT", "secondary",
      "OSCE table-top exercise tests response to terrorist attack on soft targets",
      "Police, emergency services and private security providers tested their response to a "
      "simulated terrorist attack on a shopping centre in an OSCE table-top exercise held on "
      "27 November 2025."),
    Osce("2026-01-21", "secretariat", "VIENNA", "endash", "PR", "BM CT POL", "primary",
      "OSCE and INTERPOL agree on new Joint Action Plan for 2026 to 2028",
      "The OSCE and INTERPOL today agreed on a new Joint Action Plan for 2026 to 2028 that "
      "focuses on border security, counter-terrorism and the fight against organized crime."),
    Osce("2026-02-10", "moldova", "CHISINAU", "endash", "PR", "GE", "none",
      "OSCE Mission to Moldova supports women's leadership in local government",
      "Fifty women local councillors from across Moldova completed an OSCE leadership "
      "programme today in Chisinau."),
)

Ipol = InterpolSpec
INTERPOL_ITEMS = (
    Ipol("2010-06-10", "VIENNA, Austria", "Border management", "primary",
      "INTERPOL and OSCE officials discuss border security cooperation",
      "Senior officials from INTERPOL and the Organization for Security and Co-operation in "
      "Europe (OSCE) met in Vienna to discuss how to strengthen their cooperation on border "
      "security."),
    Ipol("2010-11-08", "DOHA, Qatar", "", "none",
      "INTERPOL General Assembly opens in Doha",
      "Police chiefs from around the world gathered in Doha for the opening of INTERPOL's 79th "
      "General Assembly."),
    Ipol("2010-09-30", "LYON, France", "Pharmaceutical crime", "none",
      "Operation targets illegal online pharmacies in 45 countries",
      "An INTERPOL-coordinated operation against the online sale of counterfeit and illicit "
      "medicines has resulted in the seizure of thousands of packages."),
    Ipol("2011-03-22", "BISHKEK, Kyrgyzstan", "Capacity building", "primary",
      "INTERPOL extends I-24/7 access to Central Asian border posts with OSCE support",
      "INTERPOL's secure global police communications system has been extended to border posts "
      "in Kyrgyzstan under a project supported by the OSCE."),
    Ipol("2011-06-16", "LYON, France", "Maritime piracy", "none",
      "INTERPOL and UNODC step up cooperation against maritime piracy",
      "INTERPOL and the United Nations Office on Drugs and Crime (UNODC) have agreed to step up "
      "their cooperation in the fight against maritime piracy."),
    Ipol("2011-06-30", "VIENNA, Austria", "", "secondary",
      "INTERPOL addresses OSCE Annual Security Review Conference",
      "INTERPOL has highlighted the role of global police information sharing in countering "
      "transnational threats at the OSCE Annual Security Review Conference."),
    Ipol("2012-09-12", "LYON, France", "Firearms", "mention",
      "INTERPOL firearms experts meet to improve tracing of illicit weapons",
      "Firearms experts from police services and international organizations met at INTERPOL's "
      "General Secretariat headquarters to improve the tracing of illicit weapons."),
    Ipol("2012-11-29", "BRUSSELS, Belgium", "", "none",
      "INTERPOL and the European Union strengthen cooperation on border security",
      "INTERPOL and the European Union have agreed to strengthen their cooperation on border "
      "security through a new project in West Africa."),
    Ipol("2013-11-20", "ISTANBUL, Turkey", "Firearms", "primary",
      "INTERPOL, OSCE and UN join forces against illicit small arms trafficking in Central Asia",
      "INTERPOL, the OSCE and the United Nations have joined forces to help Central Asian "
      "countries trace illicit small arms and light weapons."),
    Ipol("2013-04-18", "LYON, France", "", "none",
      "INTERPOL signs cooperation agreement with the Arab Interior Ministers' Council",
      "INTERPOL and the Arab Interior Ministers' Council have signed a cooperation agreement to "
      "enhance the exchange of police information."),
    Ipol("2014-02-12", "VIENNA, Austria", "Partnerships", "primary",
      "INTERPOL and OSCE sign agreement to boost cooperation against transnational crime",
      "INTERPOL and the Organization for Security and Co-operation in Europe (OSCE) have signed "
      "a Memorandum of Understanding to boost their cooperation against transnational crime."),
    Ipol("2014-10-08", "SINGAPORE, Singapore", "Cybercrime", "none",
      "INTERPOL cybercrime centre begins operations in Singapore",
      "INTERPOL's new centre for cybercrime research and digital forensics has begun "
      "operations at the INTERPOL Global Complex for Innovation in Singapore."),
    Ipol("2015-05-20", "BUCHAREST, Romania", "", "mention",
      "INTERPOL European Regional Conference focuses on foreign terrorist fighters",
      "The threat posed by foreign terrorist fighters is the focus of INTERPOL's 44th European "
      "Regional Conference, which opened in Bucharest."),
    Ipol("2015-07-09", "ADDIS ABABA, Ethiopia", "", "none",
      "INTERPOL and African Union agree to strengthen police cooperation",
      "INTERPOL and the African Union Commission have agreed to strengthen police cooperation "
      "across Africa, including support for the creation of AFRIPOL."),
    Ipol("2015-10-14", "LYON, France", "Counter-terrorism", "mention",
      "INTERPOL database on foreign terrorist fighters passes 5,000 profiles",
      "The number of foreign terrorist fighter profiles shared through INTERPOL's channels has "
      "passed 5,000, with contributions from more than 50 countries."),
    Ipol("2016-06-16", "DUSHANBE, Tajikistan", "Border management", "secondary",
      "INTERPOL trains border officers at OSCE Border Management Staff College",
      "INTERPOL trainers have delivered a module on the use of INTERPOL databases at a course of "
      "the OSCE Border Management Staff College in Dushanbe."),
    Ipol("2016-02-25", "BRUSSELS, Belgium", "", "none",
      "INTERPOL and World Customs Organization renew cooperation agreement",
      "INTERPOL and the World Customs Organization (WCO) have renewed their cooperation "
      "agreement to combat transnational organized crime at borders."),
    Ipol("2017-09-26", "BEIJING, China", "", "none",
      "INTERPOL General Assembly adopts roadmap for the future of policing",
      "Police leaders at INTERPOL's 86th General Assembly in Beijing have adopted a roadmap that "
      "sets the Organization's strategic priorities."),
    Ipol("2017-11-23", "KYIV, Ukraine", "Trafficking in human beings", "primary",
      "INTERPOL and OSCE train Ukrainian officers on migrant smuggling investigations",
      "Ukrainian police and border officers have completed a joint INTERPOL-OSCE training "
      "course on investigating migrant smuggling networks."),
    Ipol("2018-04-05", "NEW YORK, United States", "", "none",
      "INTERPOL and UN Office of Counter-Terrorism sign cooperation framework",
      "INTERPOL and the United Nations Office of Counter-Terrorism have signed a framework to "
      "strengthen cooperation in preventing and countering terrorism."),
    Ipol("2018-07-12", "SKOPJE, North Macedonia", "Firearms", "mention",
      "Western Balkans operation seizes illicit firearms and ammunition",
      "An INTERPOL-coordinated operation in the Western Balkans has led to the seizure of "
      "hundreds of illicit firearms and thousands of rounds of ammunition."),
    Ipol("2018-10-24", "ROME, Italy", "Counter-terrorism", "secondary",
      "INTERPOL shares expertise at OSCE counter-terrorism conference in Rome",
      "INTERPOL has shared its expertise on tracking the movement of terrorists at the OSCE-wide "
      "Counter-Terrorism Conference in Rome."),
    Ipol("2019-03-20", "THE HAGUE, Netherlands", "", "none",
      "INTERPOL and Europol strengthen joint work against cybercrime",
      "INTERPOL and Europol have held their annual cybercrime conference, agreeing to strengthen "
      "their joint work against emerging online threats."),
    Ipol("2019-09-17", "ALMATY, Kazakhstan", "Capacity building", "mention",
      "INTERPOL project strengthens police information sharing in Central Asia",
      "An INTERPOL project to strengthen police information sharing in Central Asia has "
      "connected specialized units in five countries to INTERPOL's databases."),
    Ipol("2020-05-14", "", "Border management", "primary",
      "INTERPOL and OSCE discuss impact of COVID-19 on border security",
      "INTERPOL and the OSCE have held a virtual meeting on the impact of the COVID-19 pandemic "
      "on border security and transnational organized crime.",
      "Joint online activities to continue while travel restrictions remain"),
    Ipol("2020-04-04", "LYON, France", "Cybercrime", "none",
      "INTERPOL warns of cybercriminals exploiting COVID-19",
      "INTERPOL has warned police in its 194 member countries that cybercriminals are "
      "exploiting the COVID-19 pandemic to target hospitals.",
      "Ransomware attacks against hospitals on the rise"),
    Ipol("2021-09-22", "", "Border management", "secondary",
      "INTERPOL experts discuss biometrics at OSCE border security meeting",
      "INTERPOL has presented its biometric capabilities to border security focal points from "
      "across the OSCE area at their 15th annual meeting."),
    Ipol("2021-05-18", "SINGAPORE, Singapore", "", "none",
      "INTERPOL and ASEANAPOL strengthen cooperation in South-East Asia",
      "INTERPOL and the ASEAN Chiefs of National Police have agreed to strengthen their "
      "cooperation against transnational crime in South-East Asia.",
      "New working arrangements for information exchange"),
    Ipol("2022-06-30", "ALMATY, Kazakhstan", "Cybercrime", "primary",
      "INTERPOL and OSCE train Central Asian investigators on darknet and cryptocurrencies",
      "Investigators from Central Asia have completed a joint INTERPOL-OSCE course on "
      "investigating crime on the darknet and tracing cryptocurrencies.",
      "Joint course builds on years of cooperation under the INTERPOL-OSCE Joint Action Plan"),
    Ipol("2022-10-20", "NEW DELHI, India", "", "none",
      "INTERPOL General Assembly calls for global action against online financial crime",
      "Delegates at INTERPOL's 90th General Assembly in New Delhi have called for global action "
      "against online financial crime."),
    Ipol("2023-05-24", "VIENNA, Austria", "Partnerships", "primary",
      "INTERPOL and OSCE review Joint Action Plan and set new priorities",
      "INTERPOL and the OSCE have reviewed the implementation of their Joint Action Plan and "
      "agreed on new priorities for joint work.",
      "Border security, cybercrime and firearms top the agenda"),
    Ipol("2023-11-28", "VIENNA, Austria", "", "none",
      "INTERPOL General Assembly in Vienna elects new Executive Committee members",
      "Delegates at INTERPOL's 91st General Assembly in Vienna have elected new members of the "
      "Organization's Executive Committee."),
    Ipol("2024-06-11", "VIENNA, Austria", "Cybercrime", "secondary",
      "INTERPOL cybercrime experts speak at OSCE conference on Central Asia",
      "INTERPOL's Cybercrime Directorate has shared its expertise at an OSCE conference "
      "concluding the first phase of a regional initiative on combating cybercrime in Central "
      "Asia.",
      "Regional capacity building against cybercrime"),
    Ipol("2024-03-07", "LYON, France", "", "none",
      "INTERPOL and UNODC launch joint initiative against drug trafficking by sea",
      "INTERPOL and the United Nations Office on Drugs and Crime have launched a joint "
      "initiative against drug trafficking on maritime routes.",
      "New initiative to support law enforcement in ports"),
    Ipol("2025-02-19", "", "Firearms", "primary",
      "INTERPOL and OSCE step up cooperation on firearms trafficking in South-Eastern Europe",
      "INTERPOL and the OSCE have agreed to step up their cooperation against firearms "
      "trafficking in South-Eastern Europe, including joint training and data sharing.",
      "Joint training for border and police officers"),
    Ipol("2025-06-05", "LYON, France", "Organized crime", "none",
      "Global operation against human trafficking leads to 2,500 arrests",
      "A global INTERPOL operation against human trafficking and migrant smuggling has led to "
      "2,500 arrests and the identification of more than 3,000 potential victims.",
      "Operation spanned 116 countries"),
    Ipol("2025-10-09", "GENEVA, Switzerland", "", "mention",
      "INTERPOL joins partners to discuss protection of cultural heritage",
      "INTERPOL has joined international partners in Geneva to discuss how to protect cultural "
      "heritage from looting and trafficking.",
      "Experts call for more data sharing on stolen works of art"),
    Ipol("2026-01-15", "VIENNA, Austria", "Partnerships", "primary",
      "INTERPOL and OSCE agree on new Joint Action Plan",
      "INTERPOL and the OSCE have agreed on a new Joint Action Plan for 2026 to 2028 focusing on "
      "border security, counter-terrorism and organized crime.",
      "Plan to guide joint capacity building for three years"),
    Ipol("2021-11-25", "ISTANBUL, Turkey", "", "none",
      "INTERPOL General Assembly in Istanbul elects new President",
      "Delegates at INTERPOL's 89th General Assembly in Istanbul have elected a new President "
      "and members of the Executive Committee.",
      "Delegates from 164 countries attend first in-person Assembly since the pandemic"),
    Ipol("2024-09-12", "SARAJEVO, Bosnia and Herzegovina", "Firearms", "secondary",
      "INTERPOL presents firearms tracing tools at OSCE regional meeting",
      "INTERPOL has presented its firearms tracing tools to police and prosecutors from South-"
      "Eastern Europe at a regional meeting organized by the OSCE in Sarajevo.",
      "Tracing illicit weapons across borders"),
    Ipol("2026-02-26", "LYON, France", "", "none",
      "INTERPOL and Afripol sign new cooperation framework",
      "INTERPOL and Afripol have signed a new framework to strengthen police cooperation across "
      "Africa.",
      "Focus on information sharing and joint operations"),
)

# Follow-up paragraphs by relevance; {unit}, {topic}, {country} are filled per item.
PARAGRAPHS = {
    ("osce", "primary"): (
        "INTERPOL trainers introduced participants to the Organization's secure global police "
        "communications system, I-24/7, and to its databases of stolen and lost travel "
        "documents, stolen motor vehicles and wanted persons.",
        "“Our co-operation with INTERPOL brings global policing tools to the places where they "
        "are needed most,” said a representative of the {unit}.",
        "The OSCE and INTERPOL co-operate on border security, counter-terrorism, police data "
        "management and the fight against trafficking in human beings.",
        "The activity is part of joint OSCE-INTERPOL efforts to support {country} in {topic}.",
    ),
    ("osce", "secondary"): (
        "Experts from INTERPOL, the United Nations Office on Drugs and Crime and the "
        "International Organization for Migration delivered presentations on current trends.",
        "An INTERPOL representative presented the Organization's databases and explained how "
        "national central bureaus can support investigations across borders.",
        "The event is part of the OSCE's efforts to support {country} in {topic}.",
    ),
    ("osce", "mention"): (
        "The course covered the detection of forged documents, risk analysis and the use of "
        "international databases such as INTERPOL's database of stolen and lost travel "
        "documents.",
        "The OSCE works with partners including the United Nations, the European Union, "
        "INTERPOL and Europol to address these challenges.",
        "The event is part of the OSCE's long-standing support to {country} in {topic}.",
    ),
    ("osce", "none"): (
        "Participants discussed good practices, lessons learned and ways to strengthen "
        "co-operation among national institutions.",
        "“This work shows what can be achieved when institutions and civil society act "
        "together,” said a representative of the {unit}.",
        "The activity was organized with the support of the European Union, the United Nations "
        "Development Programme and the United Nations Office on Drugs and Crime.",
        "The event is part of the OSCE's long-standing support to {country}.",
    ),
    ("interpol", "primary"): (
        "The activity forms part of the Joint Action Plan between INTERPOL and the OSCE, which "
        "identifies border security, counter-terrorism and the fight against trafficking as "
        "priority areas.",
        "“Our partnership with the OSCE allows us to bring INTERPOL's global capabilities to "
        "frontline officers across the region,” said an INTERPOL Executive Director.",
        "INTERPOL and the OSCE have cooperated closely on joint training and the exchange of "
        "expertise on transnational threats.",
    ),
    ("interpol", "secondary"): (
        "INTERPOL experts presented the Organization's capabilities, including its databases and "
        "notices, to participants from across the OSCE region.",
        "The event brought together representatives of national authorities and international "
        "organizations.",
        "INTERPOL's participation reflects its commitment to working with regional partners.",
    ),
    ("interpol", "mention"): (
        "Participants included representatives of the European Union, the OSCE, UNODC and "
        "Europol.",
        "Experts stressed the importance of sharing information through INTERPOL's global "
        "databases.",
        "The meeting concluded with a set of recommendations for member countries.",
    ),
    ("interpol", "none"): (
        "Under the arrangement, the partners will exchange information and carry out joint "
        "capacity-building activities.",
        "“No country can tackle transnational crime alone,” said an INTERPOL Executive "
        "Director.",
        "INTERPOL's 196 member countries can access the Organization's databases through their "
        "National Central Bureaus.",
        "The results will feed into INTERPOL's global analysis of emerging crime trends.",
    ),
}
