"""Names, places and words of the demo year (common names in Britain; no real person is
meant), and the generated staff who work it."""

from __future__ import annotations

from accounts.roles import Role
from assessments.models import NeedArea
from cases.choices import Ethnicity, Marker

FEMALE_NAMES = (
    "Olivia", "Emily", "Sophie", "Jessica", "Chloe", "Lucy", "Amy", "Hannah", "Sarah", "Emma",
    "Laura", "Rebecca", "Charlotte", "Katie", "Megan", "Lauren", "Rachel", "Natalie", "Gemma",
    "Claire", "Nicola", "Louise", "Helen", "Karen", "Susan", "Julie", "Margaret", "Patricia",
    "Janet", "Linda", "Elizabeth", "Jennifer", "Ellie", "Grace", "Holly", "Zoe", "Joanne",
    "Michelle", "Dawn", "Tracey", "Amelia", "Isla", "Ruby", "Mia", "Poppy", "Jade",
)
MALE_NAMES = (
    "James", "Jack", "Thomas", "Daniel", "Oliver", "Harry", "Joshua", "George", "William",
    "Samuel", "Matthew", "Ryan", "Luke", "Adam", "Callum", "Liam", "Jamie", "Connor", "Ben",
    "Lewis", "David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Michael", "Christopher",
    "Peter", "John", "Robert", "Ian", "Gary", "Kevin", "Simon", "Darren", "Craig", "Lee",
    "Anthony", "Martin", "Noah", "Alfie", "Charlie", "Freddie", "Leo", "Dean",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker",
    "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker",
    "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman",
    "Powell", "Webb", "Rogers", "Gray", "Mason", "Palmer", "Holmes", "Barker", "Knight",
    "Lloyd", "Butler", "Russell", "Barnes", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Graham", "Pearson", "Ahmed", "Stewart", "Reid", "Fox", "Hunt", "Mills",
)
SOUTH_ASIAN = (
    ("Aisha", "Fatima", "Amina", "Priya", "Sana", "Zara", "Noor", "Yasmin", "Simran", "Nadia"),
    ("Mohammed", "Ali", "Omar", "Imran", "Arjun", "Ravi", "Amir", "Hassan", "Sanjay", "Bilal"),
    ("Khan", "Patel", "Singh", "Ahmed", "Ali", "Hussain", "Begum", "Kaur", "Shah", "Iqbal",
     "Akhtar", "Mahmood", "Rahman", "Islam", "Sharma", "Chaudhry"),
)
EUROPEAN = (
    ("Anna", "Agnieszka", "Katarzyna", "Ruta", "Ieva", "Elena", "Maria", "Ana", "Ilze", "Daria"),
    ("Piotr", "Tomasz", "Marek", "Jonas", "Andris", "Andrei", "Joao", "Ivan", "Pawel", "Lukas"),
    ("Nowak", "Kowalski", "Wisniewski", "Kaminski", "Lewandowski", "Zielinski", "Kazlauskas",
     "Jankauskas", "Berzins", "Ozols", "Popescu", "Ionescu", "Silva", "Santos", "Petrov",
     "Dimitrov"),
)
AFRICAN_CARIBBEAN = (
    ("Abena", "Amara", "Chioma", "Ama", "Hodan", "Shanice", "Keisha", "Ifeoma"),
    ("Kwame", "Chidi", "Kofi", "Abdi", "Tunde", "Marcus", "Jerome", "Emeka"),
    ("Okafor", "Mensah", "Adeyemi", "Osei", "Mohamed", "Abdi", "Asante", "Owusu", "Campbell",
     "Francis", "Grant", "Bailey"),
)
LANGUAGES_BY_ETHNICITY = {
    Ethnicity.WHITE_OTHER: (("en", 35), ("pl", 25), ("lt", 12), ("lv", 7), ("ro", 8),
                            ("pt", 6), ("ru", 3), ("bg", 4)),
    Ethnicity.ASIAN: (("en", 70), ("ur", 10), ("pa", 10), ("bn", 5), ("zh", 5)),
    Ethnicity.BLACK: (("en", 85), ("so", 10), ("ar", 5)),
    Ethnicity.OTHER: (("en", 50), ("ar", 20), ("ku", 15), ("tr", 15)),
    Ethnicity.GYPSY_ROMA_TRAVELLER: (("en", 80), ("ro", 20)),
}
TOWNS = {
    "cambridge": (("Cambridge", ("CB1", "CB2", "CB3", "CB4", "CB5")),),
    "east_cambridgeshire": (("Ely", ("CB6", "CB7")), ("Soham", ("CB7",)),
                            ("Littleport", ("CB6",)), ("Burwell", ("CB25",))),
    "fenland": (("Wisbech", ("PE13", "PE14")), ("March", ("PE15",)), ("Whittlesey", ("PE7",)),
                ("Chatteris", ("PE16",))),
    "huntingdonshire": (("Huntingdon", ("PE29",)), ("St Neots", ("PE19",)),
                        ("St Ives", ("PE27",)), ("Ramsey", ("PE26",)), ("Yaxley", ("PE7",))),
    "south_cambridgeshire": (("Cambourne", ("CB23",)), ("Sawston", ("CB22",)),
                             ("Histon", ("CB24",)), ("Linton", ("CB21",)),
                             ("Melbourn", ("SG8",))),
    "peterborough": (("Peterborough", ("PE1", "PE2", "PE3", "PE4", "PE6", "PE7")),),
}
STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Road", "London Road",
    "Park Avenue", "Queen Street", "The Green", "Manor Close", "Orchard Way", "School Lane",
    "New Road", "West Street", "North Street", "Chapel Lane", "Elm Grove", "Meadow View",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Generated staff: usernames are fixed so a second run finds them.
STAFF = {
    Role.POLICE: [(f"gen.officer{i}", f, s) for i, (f, s) in enumerate((
        ("Alan", "Hartley"), ("Beth", "Norris"), ("Carl", "Whitaker"), ("Diane", "Ashworth"),
        ("Ed", "Hollis"), ("Fiona", "Radley"), ("Gavin", "Sutton"), ("Hazel", "Pryce"),
    ), start=1)],
    Role.VCC: [(f"gen.vcc{i}", f, s) for i, (f, s) in enumerate((
        ("Alison", "Fairley"), ("Bryony", "Keats"), ("Colin", "Marsh"), ("Deborah", "Lyle"),
        ("Euan", "Brady"), ("Farida", "Malik"), ("Gail", "Tennant"), ("Howard", "Quinn"),
    ), start=1)],
    Role.MANAGER: [(f"gen.manager{i}", f, s) for i, (f, s) in enumerate((
        ("Irene", "Oakley"), ("Julian", "Crane"),
    ), start=1)],
}
# The demo logins of seed_demo, used too when they exist (so "vcc" has cases to work).
DEMO_LOGINS = {Role.POLICE: "police", Role.VCC: "vcc", Role.MANAGER: "manager"}

PERSON_ID_PREFIX = "GEN-"
CRIME_REF_PREFIX = "CF/G"

DECLINE_REASONS = (
    "Feels well supported by family and friends.",
    "Does not want to talk about it.",
    "Already getting help from their GP.",
    "Wanted the crime recorded, not support.",
    "Too busy at work; will call the hub if needed.",
    "Insurance has dealt with everything.",
)
SIGNPOSTS = (
    "Citizens Advice for help with the insurance claim",
    "the Victim Support Supportline",
    "their GP for help with sleeping",
    "the council's housing team",
    "Action Fraud advice on protecting their accounts",
    "the local neighbourhood policing team about crime prevention",
)
IVNA_NOTES = {
    Marker.DOMESTIC_ABUSE: ("Lives with two children.", "Perpetrator is an ex-partner.",
                            "Perpetrator still has a key to the address."),
    Marker.SAFEGUARDING_VULNERABLE_ADULTS: ("Lives alone; early dementia.",
                                            "Carer visits daily."),
    Marker.HATE_CRIME: ("Targeted repeatedly by neighbours.",),
    None: ("", "", "", "Shaken but coping.", "Asked about compensation.",
           "Worried about going out alone."),
}
NEED_NOTES = {
    NeedArea.HEALTH: "Trouble sleeping since the crime; anxious going out.",
    NeedArea.ACCOMMODATION: "Wants to move; does not feel safe at home.",
    NeedArea.FAMILY: "Children affected; worried about contact arrangements.",
    NeedArea.EDUCATION_EMPLOYMENT: "Time off work; worried about losing the job.",
    NeedArea.DRUGS_ALCOHOL: "Drinking more since the crime.",
    NeedArea.FINANCE: "Lost money; struggling with bills.",
    NeedArea.OUTLOOK: "Low mood; blames themselves.",
    NeedArea.SOCIAL: "Isolated; has stopped seeing friends.",
}
SELF_REFERRAL_ACCOUNTS = (
    "Someone has been following me home from work.",
    "My car was broken into and I have not felt safe since.",
    "I was assaulted a few months ago and I am still struggling.",
    "My mum was scammed out of her savings.",
    "My son is being bullied and threatened online.",
)
