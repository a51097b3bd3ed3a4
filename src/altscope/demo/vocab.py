"""Word lists the demo generator composes its made-up outputs, people and posts from.

Everything here is invented for the demo: journal names, publishers and DOI prefixes are
plausible but fictional (the DOIs do not resolve); news and policy hosts are real sites so the
pages look familiar, but the stories on them are made up.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- research fields ------------------------------------------------------------------------

#: field → (subjects, methods, things studied, findings, contexts)
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "medicine": {
        "subjects": ("Medicine", "Public health", "Epidemiology"),
        "methods": (
            "A randomized controlled trial of",
            "A cohort study of",
            "A systematic review of",
            "A nationwide registry analysis of",
            "A meta-analysis of",
            "A pragmatic trial of",
        ),
        "things": (
            "intermittent fasting",
            "low-dose aspirin",
            "statin therapy",
            "community health workers",
            "digital cognitive behavioural therapy",
            "GLP-1 receptor agonists",
            "school-based vaccination",
            "high-intensity interval training",
            "sodium reduction",
            "telemedicine follow-up",
            "long COVID rehabilitation",
            "antibiotic stewardship",
            "sleep extension",
            "air purifiers",
        ),
        "outcomes": (
            "cardiovascular events",
            "all-cause mortality",
            "hospital readmission",
            "depressive symptoms",
            "blood pressure",
            "childhood asthma",
            "type 2 diabetes incidence",
            "cognitive decline",
            "antimicrobial resistance",
        ),
        "contexts": (
            "older adults",
            "rural primary care",
            "low-income countries",
            "pregnant women",
            "adolescents",
            "intensive care units",
            "people with obesity",
            "shift workers",
        ),
    },
    "climate": {
        "subjects": ("Climate science", "Earth sciences", "Atmospheric science"),
        "methods": (
            "Observational constraints on",
            "Attribution of",
            "Satellite evidence for",
            "High-resolution projections of",
            "A multi-model assessment of",
            "Paleoclimate records of",
        ),
        "things": (
            "Antarctic ice-shelf thinning",
            "marine heatwaves",
            "Atlantic meridional overturning",
            "permafrost carbon release",
            "urban heat islands",
            "compound drought and heat extremes",
            "methane emissions from wetlands",
            "aerosol-cloud interactions",
            "glacier mass loss",
            "extreme rainfall",
            "wildfire smoke",
            "sea-level rise",
        ),
        "outcomes": (
            "global warming levels",
            "regional precipitation",
            "coastal flooding",
            "crop yields",
            "heat-related mortality",
            "carbon budgets",
            "monsoon variability",
        ),
        "contexts": (
            "the Sahel",
            "South Asia",
            "the Arctic",
            "the Mediterranean",
            "the Amazon basin",
            "small island states",
            "the Tibetan Plateau",
            "European cities",
        ),
    },
    "physics": {
        "subjects": ("Physics", "Astronomy", "Quantum physics"),
        "methods": (
            "Evidence for",
            "Precision measurement of",
            "Observation of",
            "Constraints on",
            "A search for",
            "Numerical simulations of",
        ),
        "things": (
            "topological superconductivity",
            "dark matter substructure",
            "gravitational-wave echoes",
            "room-temperature quantum coherence",
            "fast radio bursts",
            "neutrino oscillations",
            "exoplanet atmospheres",
            "magic-angle graphene",
            "quantum error correction",
            "the muon anomalous magnetic moment",
            "primordial black holes",
            "high-harmonic generation",
        ),
        "outcomes": (
            "the Hubble tension",
            "the early universe",
            "strongly correlated electrons",
            "quantum advantage",
            "stellar evolution",
            "fundamental symmetries",
        ),
        "contexts": (
            "trapped-ion systems",
            "twisted bilayers",
            "JWST observations",
            "superconducting qubits",
            "cold atom lattices",
            "the LIGO-Virgo-KAGRA network",
        ),
    },
    "cs": {
        "subjects": ("Computer science", "Machine learning", "Software engineering"),
        "methods": (
            "Scaling laws for",
            "Efficient",
            "A benchmark for",
            "Provable guarantees for",
            "Self-supervised",
            "Interpretable",
        ),
        "things": (
            "retrieval-augmented language models",
            "graph neural networks",
            "federated learning",
            "code generation models",
            "diffusion models",
            "speech recognition",
            "reinforcement learning from feedback",
            "sparse mixture-of-experts",
            "differential privacy",
            "robot manipulation",
            "program synthesis",
            "vision transformers",
        ),
        "outcomes": (
            "low-resource languages",
            "energy-efficient inference",
            "out-of-distribution robustness",
            "long-context reasoning",
            "fairness in hiring",
            "software vulnerability detection",
        ),
        "contexts": (
            "edge devices",
            "medical imaging",
            "open-source repositories",
            "scientific literature",
            "autonomous driving",
            "multilingual settings",
        ),
    },
    "ecology": {
        "subjects": ("Ecology", "Biodiversity", "Conservation biology"),
        "methods": (
            "Long-term monitoring of",
            "Global decline of",
            "Citizen-science records of",
            "Environmental DNA reveals",
            "Experimental evidence that",
            "A continental-scale survey of",
        ),
        "things": (
            "pollinator diversity",
            "coral reef recovery",
            "urban bird song",
            "soil fungal networks",
            "freshwater insect abundance",
            "seagrass carbon storage",
            "invasive predators",
            "tropical forest regrowth",
            "amphibian chytrid infections",
            "bat migration",
            "wild bee nesting",
            "kelp forest collapse",
        ),
        "outcomes": (
            "ecosystem resilience",
            "species richness",
            "carbon sequestration",
            "food-web stability",
            "range shifts",
            "extinction risk",
        ),
        "contexts": (
            "protected areas",
            "agricultural landscapes",
            "the Great Barrier Reef",
            "boreal forests",
            "Mediterranean islands",
            "city parks",
            "the Andes",
        ),
    },
    "social": {
        "subjects": ("Social sciences", "Economics", "Psychology"),
        "methods": (
            "The effect of",
            "Field experimental evidence on",
            "A natural experiment on",
            "Longitudinal evidence on",
            "A cross-national study of",
            "Administrative data on",
        ),
        "things": (
            "a four-day work week",
            "universal basic income",
            "remote work",
            "social media use",
            "minimum wage increases",
            "school meal programmes",
            "misinformation corrections",
            "housing subsidies",
            "loneliness interventions",
            "gig economy platforms",
            "early childhood education",
            "voting by mail",
        ),
        "outcomes": (
            "wellbeing",
            "intergenerational mobility",
            "political polarisation",
            "employment",
            "trust in science",
            "adolescent mental health",
            "gender pay gaps",
        ),
        "contexts": (
            "European democracies",
            "Kenyan households",
            "US counties",
            "Indian villages",
            "Brazilian cities",
            "young adults",
            "online communities",
        ),
    },
}

TITLE_PATTERNS = (
    "{method} {thing} and {outcome} in {context}",
    "{method} {thing}: implications for {outcome}",
    "{method} {thing} in {context}",
    "How {thing} shapes {outcome} in {context}",
    "{Thing} and {outcome}: {method_l} {context}",
    "Rethinking {thing}: {outcome} across {context}",
)

# --- journals, publishers, repositories -----------------------------------------------------

#: (publisher name, DOI prefix) — fictional publishers under made-up DOI prefixes.
PUBLISHERS: tuple[tuple[str, str], ...] = (
    ("Meridian Academic Press", "10.99001"),
    ("Northgate Science Publishing", "10.99002"),
    ("Open Commons Publishing", "10.99003"),
    ("Helix & Row", "10.99004"),
    ("Aurora University Press", "10.99005"),
    ("Baltic Science Group", "10.99006"),
    ("Cedar Scholarly", "10.99007"),
    ("Lumen Research Society", "10.99008"),
)

#: (journal, field, publisher index, ISSN digits without check digit)
JOURNALS: tuple[tuple[str, str, int, str], ...] = (
    ("Annals of Translational Medicine Research", "medicine", 0, "2411301"),
    ("Journal of Clinical Epidemiology Reports", "medicine", 1, "2411302"),
    ("Global Public Health Letters", "medicine", 2, "2411303"),
    ("Frontiers of Primary Care", "medicine", 3, "2411304"),
    ("The Cardiometabolic Journal", "medicine", 4, "2411305"),
    ("Pediatric Health Science", "medicine", 5, "2411306"),
    ("Mental Health Review International", "medicine", 6, "2411307"),
    ("Climate Dynamics Letters", "climate", 0, "2411308"),
    ("Journal of Earth System Change", "climate", 1, "2411309"),
    ("Cryosphere Research", "climate", 2, "2411310"),
    ("Atmospheric Extremes", "climate", 7, "2411311"),
    ("Ocean and Coast", "climate", 4, "2411312"),
    ("Regional Climate Studies", "climate", 5, "2411313"),
    ("Physical Review Research Letters", "physics", 7, "2411314"),
    ("Journal of Quantum Matter", "physics", 1, "2411315"),
    ("Astrophysical Notes", "physics", 2, "2411316"),
    ("Condensed Matter Frontiers", "physics", 3, "2411317"),
    ("Cosmology and Gravitation", "physics", 6, "2411318"),
    ("Photonics Express Letters", "physics", 5, "2411319"),
    ("Transactions on Machine Intelligence", "cs", 0, "2411320"),
    ("Journal of Computing Systems", "cs", 1, "2411321"),
    ("Software Engineering Review", "cs", 3, "2411322"),
    ("Computational Linguistics Today", "cs", 4, "2411323"),
    ("Robotics and Autonomy", "cs", 6, "2411324"),
    ("Data Science Letters", "cs", 7, "2411325"),
    ("Journal of Applied Ecology Research", "ecology", 0, "2411326"),
    ("Biodiversity and Conservation Letters", "ecology", 2, "2411327"),
    ("Freshwater Biology Reports", "ecology", 3, "2411328"),
    ("Marine Ecosystems", "ecology", 5, "2411329"),
    ("Urban Ecology Journal", "ecology", 6, "2411330"),
    ("Forest Science Today", "ecology", 7, "2411331"),
    ("Journal of Social Policy Research", "social", 0, "2411332"),
    ("Economic Inquiry Letters", "social", 1, "2411333"),
    ("Behavioural Science Review", "social", 2, "2411334"),
    ("Journal of Labour and Society", "social", 3, "2411335"),
    ("Political Behaviour Research", "social", 4, "2411336"),
    ("Education and Development", "social", 5, "2411337"),
    ("Digital Society", "social", 6, "2411338"),
    ("Open Research Letters", "mixed", 2, "2411339"),
    ("Science Advances Letters", "mixed", 7, "2411340"),
)

#: Repositories holding Handle-identified items (deposited theses, reports, datasets).
REPOSITORIES: tuple[tuple[str, str], ...] = (
    ("Northgate University Repository", "20.500.99101"),
    ("Aurora Research Archive", "20.500.99102"),
    ("Baltic Open Repository", "20.500.99103"),
)

DATA_REPOSITORY = ("Commons Data Archive", "10.99009")

BOOK_TITLES = (
    "{Thing}: A Primer",
    "Understanding {thing}",
    "The Science of {thing}",
    "{Thing} in Practice",
    "A Handbook of {thing}",
)

# --- people ---------------------------------------------------------------------------------

GIVEN_NAMES = _words(
    """Amara Lucas Sofia Mateo Hana Yuki Wei Ananya Arjun Chloe Liam Noah Emma Olivia
Kwame Ama Chidi Ngozi Fatima Omar Leila Karim Ingrid Lars Freya Matteo Giulia Pablo Lucia Diego
Camila Thiago Beatriz Joao Aisha Tariq Mei Jun Seo-yeon Min-jun Priya Rohan Elena Ivan Olga
Piotr Zofia Ana Marta Tomas Sanne Daan Eva Jonas Lea Felix Mia Ahmed Nour Youssef Zainab Kofi
Nia Tendai Thabo Lindiwe Hamid Sara Ali Maya Daniel Rachel David Grace Samuel Hannah Kenji Aiko
Rahul Divya Carlos Valentina Andres Isabela Rafael Marie Pierre Camille Hugo Astrid Erik"""
)

FAMILY_NAMES = _words(
    """Okafor Mensah Kimani Otieno Nakamura Tanaka Sato Chen Wang Li Zhang Liu Kim Park
Lee Singh Sharma Patel Gupta Iyer Garcia Rodriguez Martinez Lopez Hernandez Silva Santos Oliveira
Costa Pereira Rossi Bianchi Romano Muller Schmidt Schneider Fischer Weber Meyer Dubois Martin
Bernard Moreau Laurent Jansen deVries Bakker Visser Andersson Johansson Nilsson Larsen Hansen
Nielsen Kowalski Nowak Novak Horvat Ivanova Petrov Smirnov Haddad Mansour Khalil Rahman Hossain
Ahmed Hassan Yilmaz Demir Kaya Cohen Levi Friedman Smith Johnson Williams Brown Jones Taylor
Wilson Thompson White Walker Hughes Murphy Kelly ONeill Campbell Stewart Nguyen Tran Pham Santoso
Wijaya Reyes Cruz Mendoza Alvarez Torres Flores Diaz Morales Ndlovu Dlamini Banda Phiri"""
)

UNIVERSITIES = (
    "Northgate University",
    "University of Lakeshore",
    "Aurora Institute of Technology",
    "Baltic University",
    "Cedar Valley University",
    "Meridian Medical School",
    "Coastal Research Institute",
    "Highland University",
)

#: country code → location strings as people write them in profiles.
LOCATIONS: dict[str, tuple[str, ...]] = {
    "US": (
        "Boston, MA",
        "San Francisco, CA",
        "Chicago, IL",
        "New York, NY",
        "Austin, Texas",
        "Seattle, WA",
        "Ann Arbor, Michigan",
        "🇺🇸 Denver",
    ),
    "GB": (
        "London, UK",
        "Manchester, England",
        "Edinburgh, Scotland",
        "Bristol",
        "Oxford, UK",
        "Cardiff, Wales",
    ),
    "DE": ("Berlin, Germany", "München", "Hamburg, Deutschland", "Heidelberg, DE"),
    "FR": ("Paris, France", "Lyon", "Paris 🇫🇷", "Marseille, France"),
    "ES": ("Madrid, España", "Barcelona, Spain", "Valencia, Spain"),
    "IT": ("Roma, Italia", "Milan, Italy", "Bologna"),
    "NL": ("Amsterdam, The Netherlands", "Utrecht, NL", "Leiden"),
    "BE": ("Brussels, Belgium", "Gent, België"),
    "CH": ("Zürich, Switzerland", "Geneva, CH", "Lausanne"),
    "AT": ("Wien, Österreich", "Vienna, Austria"),
    "SE": ("Stockholm, Sweden", "Uppsala", "Göteborg, Sverige"),
    "NO": ("Oslo, Norway", "Bergen, Norge"),
    "DK": ("Copenhagen, Denmark", "Aarhus"),
    "FI": ("Helsinki, Finland",),
    "PL": ("Warszawa, Polska", "Kraków, Poland"),
    "PT": ("Lisboa, Portugal", "Porto"),
    "IE": ("Dublin, Ireland", "Galway, Ireland"),
    "CA": ("Toronto, ON", "Montréal, QC", "Vancouver, Canada", "Ottawa, Ontario"),
    "MX": ("Ciudad de México", "México", "Guadalajara, Jalisco"),
    "BR": ("São Paulo, Brasil", "Rio de Janeiro, Brazil", "Belo Horizonte, Brasil"),
    "AR": ("Buenos Aires, Argentina", "Córdoba, Argentina"),
    "CL": ("Santiago, Chile",),
    "CO": ("Bogotá, Colombia", "Medellín"),
    "PE": ("Lima, Perú",),
    "JP": ("🇯🇵 Tokyo", "Tokyo, Japan", "Kyoto", "Osaka, Japan"),
    "CN": ("Beijing, China", "Shanghai", "Shenzhen, China"),
    "KR": ("Seoul, South Korea", "Daejeon, Korea"),
    "IN": ("Bengaluru, India", "New Delhi", "Mumbai, India", "Pune", "Chennai, Tamil Nadu"),
    "SG": ("Singapore",),
    "ID": ("Jakarta, Indonesia", "Bandung"),
    "AU": ("Sydney NSW", "Melbourne, Australia", "Brisbane, QLD", "Perth, WA 🇦🇺"),
    "NZ": ("Auckland, New Zealand", "Wellington, NZ"),
    "ZA": ("Cape Town, South Africa", "Johannesburg", "Durban, South Africa"),
    "KE": ("Nairobi", "Nairobi, Kenya", "Mombasa"),
    "NG": ("Lagos, Nigeria", "Abuja", "Ibadan, Nigeria"),
    "GH": ("Accra, Ghana", "Kumasi"),
    "EG": ("Cairo, Egypt",),
    "ET": ("Addis Ababa, Ethiopia",),
    "TR": ("İstanbul, Türkiye", "Ankara, Turkey"),
    "IL": ("Tel Aviv, Israel", "Jerusalem"),
    "AE": ("Dubai, UAE", "Abu Dhabi"),
    "PK": ("Karachi, Pakistan", "Lahore"),
    "BD": ("Dhaka, Bangladesh",),
}

#: Relative share of actors per country (unlisted countries: 1).
COUNTRY_WEIGHTS = {
    "US": 14,
    "GB": 8,
    "DE": 4,
    "CA": 3,
    "AU": 3,
    "IN": 3,
    "FR": 3,
    "JP": 2,
    "ES": 2,
    "NL": 2,
    "BR": 2,
}

VAGUE_LOCATIONS = ("Earth", "somewhere on the internet", "he/him", "The cloud ☁️", "🌍")

# --- profiles per kind ----------------------------------------------------------------------

PROFILES: dict[str, tuple[str, ...]] = {
    "researcher": (
        "PhD student in {field} at {univ}. Views my own.",
        "Professor of {field}, {univ}. Lab website in link.",
        "Postdoctoral researcher working on {topic}. she/her",
        "Research scientist ({field}). Open science advocate.",
        "Associate professor at {univ}. I study {topic}.",
        "Epidemiologist & data nerd. Lecturer at {univ}.",
        "Senior lecturer in {field}. Reviewer, editor, occasional runner.",
        "Researcher at {univ} | {topic} | they/them",
    ),
    "practitioner": (
        "ICU nurse. Evidence-based practice nerd.",
        "Family physician (MD). Posts are not medical advice.",
        "Clinical pharmacist in a busy hospital.",
        "GP and medical educator.",
        "Cardiologist. Tweets about trials and guidelines.",
        "Public health physician, county health department.",
        "Paediatrician and mum of two.",
        "Physiotherapist | sports medicine",
    ),
    "communicator": (
        "Science journalist. Covering {field} for a national daily.",
        "Science writer and author. Newsletter on {topic}.",
        "Health reporter. DMs open for tips.",
        "Editor at a science magazine. Opinions mine.",
        "Science podcast host and museum educator.",
        "Freelance science communicator | {field}",
    ),
    "public": (
        "Dad, runner, coffee enthusiast.",
        "Gardener and birdwatcher. Curious about everything.",
        "Retired. Reading about {topic} these days.",
        "Books, hiking, cats. Opinions my own.",
        "Just here for the science news.",
        "Amateur astronomer and football fan.",
        "Dog person, cyclist, amateur baker.",
        "Student. Trying to understand the world.",
        "",
    ),
}

KIND_SHARES = (("public", 46), ("researcher", 30), ("practitioner", 11), ("communicator", 13))

# --- where mentions come from ---------------------------------------------------------------

NEWS_OUTLETS: tuple[tuple[str, str, str], ...] = (
    ("The New York Times", "www.nytimes.com", "New York, NY"),
    ("BBC News", "www.bbc.co.uk", "London, UK"),
    ("The Guardian", "www.theguardian.com", "London, UK"),
    ("The Washington Post", "www.washingtonpost.com", "Washington, DC"),
    ("Le Monde", "www.lemonde.fr", "Paris, France"),
    ("Der Spiegel", "www.spiegel.de", "Hamburg, Deutschland"),
    ("El País", "elpais.com", "Madrid, España"),
    ("The Times of India", "timesofindia.indiatimes.com", "New Delhi"),
    ("ABC News (Australia)", "www.abc.net.au", "Sydney NSW"),
    ("CBC News", "www.cbc.ca", "Toronto, ON"),
    ("The Japan Times", "www.japantimes.co.jp", "🇯🇵 Tokyo"),
    ("Daily Nation", "nation.africa", "Nairobi"),
    ("Folha de S.Paulo", "www1.folha.uol.com.br", "São Paulo, Brasil"),
    ("The Conversation", "theconversation.com", "Melbourne, Australia"),
    ("Scientific American", "www.scientificamerican.com", "New York, NY"),
    ("New Scientist", "www.newscientist.com", "London, UK"),
    ("Reuters", "www.reuters.com", "London, UK"),
    ("The Irish Times", "www.irishtimes.com", "Dublin, Ireland"),
)

NEWS_SECTIONS = ("science", "health", "environment", "technology", "world")

POLICY_BODIES: tuple[tuple[str, str, str], ...] = (
    ("World Health Organization", "www.who.int", "Geneva, CH"),
    ("OECD", "www.oecd.org", "Paris, France"),
    ("UK Government (GOV.UK)", "www.gov.uk", "London, UK"),
    ("European Commission", "commission.europa.eu", "Brussels, Belgium"),
    ("US Centers for Disease Control and Prevention", "www.cdc.gov", "Atlanta, GA"),
    ("Intergovernmental Panel on Climate Change", "www.ipcc.ch", "Geneva, CH"),
    ("World Bank", "www.worldbank.org", "Washington, DC"),
    ("UN Environment Programme", "www.unep.org", "Nairobi, Kenya"),
    ("National Academies", "www.nationalacademies.org", "Washington, DC"),
    ("Australian Institute of Health and Welfare", "www.aihw.gov.au", "Canberra, Australia"),
    ("Robert Koch Institut", "www.rki.de", "Berlin, Germany"),
    ("Public Health Agency of Canada", "www.canada.ca", "Ottawa, Ontario"),
)

POLICY_KINDS = ("guideline", "report", "policy brief", "technical note", "working paper")

PATENT_ASSIGNEES: tuple[tuple[str, str], ...] = (
    ("Quantix Technologies Inc.", "San Jose, CA"),
    ("Helios Medical AG", "Basel, Switzerland"),
    ("Nordic Battery Systems AB", "Stockholm, Sweden"),
    ("Kaito Electronics Co., Ltd.", "Osaka, Japan"),
    ("BioNova Therapeutics", "Cambridge, MA"),
    ("Shenzhen Brightpath Robotics", "Shenzhen, China"),
    ("Veridian Climate Solutions", "Berlin, Germany"),
    ("Tata Advanced Computing", "Bengaluru, India"),
    ("Seoul Photonics Corp.", "Seoul, South Korea"),
    ("Arbor Genomics Ltd", "Cambridge, UK"),
)

SUBREDDITS = {
    "medicine": ("science", "medicine", "publichealth", "AskDocs"),
    "climate": ("science", "climate", "environment", "climatechange"),
    "physics": ("science", "Physics", "space", "askscience"),
    "cs": ("MachineLearning", "compsci", "programming", "science"),
    "ecology": ("science", "ecology", "biology", "environment"),
    "social": ("science", "economics", "psychology", "sociology"),
    "mixed": ("science", "EverythingScience"),
}

STACKEXCHANGE_SITES = {
    "medicine": "medicalsciences.stackexchange.com",
    "climate": "earthscience.stackexchange.com",
    "physics": "physics.stackexchange.com",
    "cs": "stats.stackexchange.com",
    "ecology": "biology.stackexchange.com",
    "social": "economics.stackexchange.com",
    "mixed": "academia.stackexchange.com",
}

MASTODON_HOSTS = (
    "mastodon.social",
    "fediscience.org",
    "scholar.social",
    "mstdn.science",
    "ecoevo.social",
    "sciences.social",
    "med-mastodon.com",
)

BLOG_HOSTS = ("substack.com", "wordpress.com", "medium.com", "blogspot.com", "hashnode.dev")

SOCIAL_OPENERS = {
    "researcher": (
        "Interesting new paper:",
        "Worth reading for anyone working on {thing}:",
        "Nice methods in this one.",
        "Adding this to our journal club list:",
        "Solid study, though the sample is small.",
        "Big if it replicates.",
        "Our latest work is out!",
    ),
    "practitioner": (
        "Relevant to my practice:",
        "Will this change guidelines?",
        "Sharing with the team:",
        "Useful evidence on {thing}.",
    ),
    "communicator": (
        "New study on {thing}:",
        "Covered this today. The paper:",
        "Here's the study everyone is talking about:",
        "Thread on what this does and doesn't show:",
    ),
    "public": (
        "Wow, this is fascinating:",
        "Did not know this about {thing}!",
        "Hmm, makes you think.",
        "Can someone explain this to me?",
        "Good news for once:",
        "This 👇",
    ),
}

HASHTAGS = {
    "medicine": ("#MedTwitter", "#PublicHealth", "#EBM"),
    "climate": ("#ClimateScience", "#ClimateChange"),
    "physics": ("#Physics", "#Astronomy"),
    "cs": ("#MachineLearning", "#AI", "#NLProc"),
    "ecology": ("#Ecology", "#Biodiversity"),
    "social": ("#EconTwitter", "#SocSci"),
    "mixed": ("#Science",),
}
