"""Word lists the rules rely on: speech verbs, titles, organisation nouns, names.

Kept in one place so a rule never carries its own private copy of a list.
"""
from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

# Lemmas of verbs that introduce what someone said (direct or reported speech).
SPEECH_VERBS = frozenset("""
say tell add ask answer reply respond note explain state declare announce claim insist argue contend
maintain assert warn caution write tweet post report acknowledge admit concede confirm deny recall
remark comment observe suggest propose predict promise vow pledge threaten urge demand complain
boast brag joke quip muse wonder testify allege charge accuse counter retort rebut continue conclude
emphasize emphasise stress reiterate repeat point mention reveal disclose indicate estimate add
concur agree disagree object protest lament acknowledge recount describe shout yell scream cry
whisper mutter murmur exclaim snap laugh sigh chuckle tweete blog text email predict forecast
reckon opine declare proclaim announce inform assure remind advise recommend instruct order
call describe dub label brand
""".split())

def _inflections(verbs: frozenset[str]) -> frozenset[str]:
    forms = set()
    for verb in verbs:
        stem = verb[:-1] if verb.endswith("e") else verb
        forms.update({verb, verb + "s", stem + "ed", stem + "ing", verb + "d"})
    return frozenset(forms | {"said", "told", "wrote", "says", "tweeted", "saying", "telling"})


# Word forms of the speech verbs, for text the parser has not seen as a verb (headlines, leads).
SPEECH_VERB_FORMS = _inflections(SPEECH_VERBS)

# Reported speech without marks is only taken from these: no beliefs, no findings, and no
# commitments, threats or indications ("pledged to ...", "revealed ...", "agreed to ..."), which
# news annotation (PolNeAR) treats as acts rather than speech.
REPORTING_VERBS = frozenset("""
say tell add ask note explain state declare announce claim insist argue contend maintain assert warn
caution write tweet report acknowledge admit concede confirm deny recall remark comment observe
suggest predict promise vow complain boast testify allege charge counter
reiterate stress emphasize emphasise repeat disclose estimate concur inform
assure remind advise respond reply answer urge call post inquire
""".split())

# Reporting verbs whose infinitive complement is what was said ("urged voters to ...").
REPORTING_INFINITIVE_VERBS = frozenset("""
urge vow promise ask call tell warn advise
""".split()) & REPORTING_VERBS

# Reporting verbs whose direct object is the content ("announced his resignation"), not the
# hearer (tell, ask, urge) and not a deed or a document ("claimed responsibility", "declared
# victory", "posted a video", "wrote a letter", "answered questions", "repeated the claim").
REPORTING_OBJECT_VERBS = frozenset("""
say announce report tweet deny acknowledge recall explain note propose predict promise admit concede suggest
""".split())

# Verb + preposition pairs whose object is what was said or asked for ("called for a special prosecutor").
REPORTING_PREPOSITIONS = frozenset({
    ("call", "for"), ("call", "on"), ("ask", "about"), ("ask", "for"), ("complain", "about"), ("warn", "about"),
    ("warn", "of"), ("testify", "about"), ("argue", "for"),
})

TITLES = frozenset("""
mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady rev rev. fr fr.
president vice sen sen. senator rep rep. representative gov gov. governor lt lt. gen gen. general
col col. maj maj. capt capt. sgt sgt. adm adm. secretary minister premier chancellor mayor judge
justice chairman chairwoman chair chief director commissioner ambassador attorney speaker leader
sheriff officer detective professor pastor pope king queen prince princess sheikh ayatollah
candidate nominee congressman congresswoman councilman councilwoman councillor assemblyman
state former the then acting deputy u.s. us house senate majority minority whip press spokesman
spokeswoman spokesperson coach manager captain advocate ag comptroller treasurer auditor
superintendent administrator dean provost republican democrat democratic gop independent conservative liberal
taoiseach tánaiste tanaiste envoy cllr cllr. mp mep td msp mla
""".split())

# Roles written as capitals: "the TD said", "the CFO added", "the MCA claimed".
ROLE_ACRONYMS = frozenset("td mp mep msp mla mca mpp ceo cfo coo cto cio pm da kc qc sc".split())

# People by nationality, singular: "the Scot added", "the Dane said".
DEMONYMS = frozenset("""
scot scotsman scotswoman dane swede finn pole brit briton welshman welshwoman irishman irishwoman englishman
englishwoman frenchman frenchwoman dutchman dutchwoman spaniard german italian american canadian australian
brazilian argentine argentinian mexican nigerian ghanaian kenyan ugandan tanzanian ethiopian somali sudanese
egyptian moroccan algerian tunisian libyan senegalese cameroonian ivorian malian zambian zimbabwean
japanese chinese korean indian pakistani bangladeshi afghan iranian iraqi syrian lebanese jordanian saudi
emirati qatari kuwaiti omani yemeni israeli palestinian turk greek cypriot russian ukrainian belarusian
georgian armenian azerbaijani kazakh uzbek kyrgyz tajik serb croat bosnian slovene slovak czech hungarian
romanian bulgarian austrian swiss belgian portuguese norwegian icelander estonian latvian lithuanian
uruguayan chilean peruvian colombian venezuelan ecuadorian bolivian paraguayan cuban jamaican haitian
kiwi fijian samoan tongan filipino indonesian malaysian thai vietnamese singaporean taiwanese mongolian
nepali nepalese sri lankan maori
""".split())

DEMONYM_PLURALS = frozenset({d + "s" for d in DEMONYMS} | {"frenchmen", "englishmen", "scotsmen", "irishmen", "welshmen",
                                                           "dutchmen", "swiss", "chinese", "japanese"})

# Nouns for what an organisation issues: "according to a statement from the ministry".
DOCUMENT_NOUNS = frozenset("""
statement report letter release communique communiqué post message filing note memo email notice
announcement study survey analysis bulletin briefing document submission tweet press
""".split())

# Common nouns for kinds of organisation ("the ministry said", "Police said").
ORGANISATION_NOUNS = frozenset("""
ministry department office agency committee commission council party campaign government administration
court police army military service company corporation corp corp. inc inc. ltd group association
union university institute foundation center centre bureau board authority organization organisation
network news times post journal press agency newspaper magazine television radio tv channel
embassy consulate fund bank federation league coalition alliance movement team club firm
conference chamber workers trust charity alliance cooperative co-operative consortium society forum
forces guild syndicate collective bloc front secretariat brewery airline railway operator
festival observatory hospital school museum gallery orchestra theatre theater library brigade
assembly tribunal regulator watchdog exchange airport port mission delegation cabinet
""".split())

# Words that name an organisation, common nouns and a few proper names that head none.
ORGANISATION_HEADS = ORGANISATION_NOUNS | frozenset("""
cnn nbc cbs abc msnbc fox reuters ap bbc pentagon kremlin congress senate house parliament
""".split())

# Words that end a company's name and nothing else: "Daeseong Fine Chemical", "Kallang Marine Holdings"
COMPANY_NAME_ENDINGS = frozenset("""
holdings industries industry motors chemical chemicals pharmaceuticals pharma technologies technology
systems energy petroleum resources mining logistics shipping airways airlines foods steel electric electronics
insurance securities capital partners ventures labs laboratories media plc llc llp ag gmbh nv bhd pvt sdn
limited incorporated bancorp motor marine engineering construction telecom telecommunications solutions
""".split())


def is_organisation_name(words) -> bool:
    """Whether a name's lower-cased words name an organisation: an organisation word anywhere
    ("Ministry of Employment", "Ocean Futures Network") or a company word at the end."""
    return bool(set(words) & ORGANISATION_HEADS) or bool(words and words[-1] in COMPANY_NAME_ENDINGS)


PERSON_NOUNS = frozenset("""
man woman person people official spokesman spokeswoman spokesperson source aide adviser advisor analyst
expert lawyer attorney counsel activist advocate defender leader president senator governor minister
secretary premier ambassador diplomat candidate nominee incumbent challenger rival voter delegate resident
citizen soldier marine officer agent investigator prosecutor judge sheriff deputy trooper director chief
head chairman chairwoman member worker employee staffer intern volunteer student teacher professor
principal doctor nurse physician surgeon scientist researcher economist historian author writer poet
reporter journalist columnist editor host anchor commentator strategist consultant pollster operative
insider observer specialist supporter critic opponent protester demonstrator organizer fan friend
neighbor neighbour relative parent child mother father son daughter wife husband brother sister
grandmother grandfather uncle aunt cousin boy girl witness victim survivor suspect defendant plaintiff
owner manager executive founder ceo cfo coo cto chairperson businessman businesswoman entrepreneur developer mogul tycoon
billionaire millionaire lawmaker legislator congressman congresswoman representative mayor commander
general colonel captain sergeant pilot policeman actor actress singer musician artist comedian player
athlete coach veteran farmer pastor priest rabbi imam bishop cardinal pope monk nun
striker midfielder defender goalkeeper forward winger batsman bowler jockey boxer referee umpire
envoy negotiator mediator minister commissioner councillor barrister solicitor juror trustee governor
resident neighbour shopkeeper driver passenger survivor
""".split())

PERSON_NOUN_ENDINGS = ("ist", "ologist", "-president", "-minister", "-general", "-chair", "-founder")


def is_person_noun(lemma: str) -> bool:
    """A noun naming a person by role or nationality: the lists, and roles they cannot all hold
    (epidemiologist, vice-president)."""
    return lemma in PERSON_NOUNS or lemma in DEMONYMS or lemma in ROLE_ACRONYMS or lemma in MALE_TITLES \
        or lemma in FEMALE_TITLES or (len(lemma) > 5 and lemma.endswith(PERSON_NOUN_ENDINGS))


def is_role_word(word: str) -> bool:
    """A word that names a role or a nationality, not a person, even written with a capital
    ("the Taoiseach", "the Scot", "the TD")."""
    lowered = word.lower().rstrip(".")
    return (lowered in TITLES or lowered in ROLE_ACRONYMS or is_person_noun(lowered)) and lowered not in ORGANISATION_HEADS


MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})

MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "congressman", "councilman", "chairman",
                         "father", "son", "brother", "husband", "man", "boy", "spokesman", "assemblyman",
                         "businessman", "grandfather", "uncle", "nephew", "policeman", "fisherman", "frenchman",
                         "scotsman", "welshman", "irishman", "englishman", "dutchman", "widower", "actor", "monk"})
FEMALE_TITLES = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess",
                           "congresswoman", "councilwoman", "chairwoman", "mother", "daughter", "sister",
                           "wife", "woman", "girl", "spokeswoman", "businesswoman", "grandmother", "aunt",
                           "niece", "policewoman", "widow", "actress", "nun", "scotswoman", "welshwoman",
                           "irishwoman", "englishwoman", "frenchwoman", "dutchwoman"})

MALE_FIRST_NAMES = frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander
frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle
ethan walter noah jeremy christian keith roger terry gerald harold sean austin carl arthur lawrence
dylan jesse jordan bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy
vincent ralph eugene russell bobby mason philip louis barack bernie ted marco jeb rand mike chris ben
bill newt mitch harry chuck vladimir dmitri grigori artur vadim sergei boris nikolai ivan igor francois
emmanuel jim tom tim bob dick rick ron don steve dave dan greg jeff joel josh ken
reince rudy rush newt hugh lou abe al ed fred karl kurt lars luis carlos jorge pedro ali omar
mohammed muhammad ahmed hassan abdul xi li pierre jacques klaus hans recep bashar bibi
abdullah ahmad alejandro alexei amir andre andrei angelo antonio brent brett chad corey craig curtis dale
darrell derek diego dmitry dustin earl eddie eduardo edwin ehud elliott enrique evan fernando francis
francisco franklin gene gerhard giuseppe glenn gordon grant hamid helmut herbert howard hugo imran isaac
jared javier jay jeffery jens jerome jimmy jon julian khalid kim kofi lamar lance leon leonard
lindsey lloyd lucas luke mahmoud malcolm manuel marcus mario martin marvin matteo max melvin micah miguel
mikhail miles mitchell mitt mohamed morgan moshe narendra nawaz neil nelson nicolas norman oliver orrin oscar
otis owen pablo paolo perry phil preston quentin rafael rahm rahul ramon randall raul ray reggie rex ricardo
rob robbie rodney roland ross ruben russ sam sergey sergio seth shane sheldon sherrod shinzo sid silvio simon
stan stanley stuart terence terrence theodore toby todd tony travis trevor troy tyrone vernon vicente victor
viktor wade wallace warren wesley wilbur will willard wolfgang xavier yitzhak yuri zach
""".split())

FEMALE_FIRST_NAMES = frozenset("""
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra
ashley kimberly emily donna michelle dorothy carol amanda melissa deborah stephanie rebecca sharon laura
cynthia kathleen amy shirley angela helen anna brenda pamela nicole emma samantha katherine christine
debra rachel catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia kelly
christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria ann teresa
kathryn sara janice alice madison doris abigail julia judy grace denise amber marilyn beverly danielle
theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla hillary sarah nikki carly
elizabeth nancy debbie kellyanne huma hope ivanka melania chelsea michele elise kirsten tammy dianne
marine theresa sheryl condoleezza condi madeleine kamala tulsi jill stacey valerie katie
kate maggie meghan megyn lena maxine nina olga irina svetlana natalia yulia tatiana
alison anne annette april audrey aung becky benazir bernadette beth betsy bonnie brianna caitlin camille
candace carmen caroline cassandra cecile cecilia claire clara claudia colleen connie courtney crystal dana
dawn delores dolores edith eileen elaine eleanor elena ellen eloise erica erin esther eva faith felicia fiona
florence gabrielle gail geneva georgia gina gwen harriet hazel heidi holly ida indira irene iris isabel ivy
jackie jane jasmine jeanne jenna jenny jessie jo joanna jocelyn josephine joy juanita june kathy katrina kay
kendra kerry kristen kristin laurie leah leslie lillian lily lindsay lois loretta lorraine louise lucy lynn
mallory marcia margarita marian marianne marsha maureen melanie melinda mia mildred miriam molly monica nadia
naomi natasha nora norma paige pam park patty paula pauline peggy penny phyllis priscilla ramona regina renee
rita roberta robin rosa rosalind rosemary ruby sabrina sally segolene selena shannon sheila shelley sherry
sonia sophie stacy stella sue susanna suzanne sylvia ségolène tamara tanya tara tiffany tina toni tracy tsai
ursula vanessa vera veronica vicki viola wanda wendy whitney yolanda yvonne zoe
""".split())

# Proper nouns that are never part of a person's or organisation's name.
NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april july
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
's ’s
""".split())


@cache
def _recorded_first_names() -> dict[str, tuple[str, bool]]:
    """Given names of many languages whose bearers are near all of one gender, and whether the
    name is common (data/first_names.tsv)."""
    path = Path(__file__).with_name("data") / "first_names.tsv"
    recorded = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            name, gender, common = line.rstrip("\n").split("\t")
            recorded[name] = (gender, common == "1")
    return recorded


def first_name_gender(word: str, recorded: str = "any") -> str | None:
    """"m" or "f" for a given name ("Khaled", "Maëlle", "Aoife"), None when unknown or unclear.

    The short lists above come first; then the recorded names of many languages, accents
    aside: `recorded="any"` all of them (the first word of a full name), `"common"` only those
    borne by many people (a word written alone, which may be a surname: "Brewer"), `"none"` none.
    """
    lowered = word.lower()
    if lowered in MALE_FIRST_NAMES:
        return "m"
    if lowered in FEMALE_FIRST_NAMES:
        return "f"
    if recorded == "none":
        return None
    plain = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    gender, common = _recorded_first_names().get(plain, (None, False))
    return gender if recorded == "any" or common else None
