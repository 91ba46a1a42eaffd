"""Word lists the generator draws names from (invented here; no external data set)."""

DEPARTMENTS = (
    "Kitchen", "Garden", "Outdoor", "Office", "Toys", "Books", "Music", "Sports", "Travel", "Bath",
    "Lighting", "Storage", "Pets", "Baby", "Tools", "Audio", "Fitness", "Crafts", "Decor", "Camping",
)  # fmt: skip
ADJECTIVES = (
    "Classic", "Compact", "Deluxe", "Ergonomic", "Foldable", "Handmade", "Heavy", "Light", "Modern",
    "Portable", "Premium", "Rugged", "Sleek", "Smart", "Soft", "Sturdy", "Vintage", "Waterproof",
    "Wireless", "Eco", "Mini", "Large", "Quiet", "Rustic", "Slim",
)  # fmt: skip
MATERIALS = (
    "Bamboo", "Cotton", "Leather", "Steel", "Wooden", "Glass", "Ceramic", "Wool", "Linen", "Copper",
    "Aluminium", "Silicone", "Canvas", "Oak", "Marble",
)  # fmt: skip
NOUNS = (
    "Backpack", "Bottle", "Chair", "Desk", "Lamp", "Mug", "Jacket", "Blanket", "Speaker", "Headphones",
    "Kettle", "Basket", "Shelf", "Clock", "Notebook", "Pan", "Knife", "Tent", "Pillow", "Towel",
    "Watch", "Wallet", "Umbrella", "Scarf", "Planter", "Cushion", "Tray", "Bowl", "Frame", "Rack",
    "Stool", "Bench", "Mat", "Brush", "Box", "Bag", "Case", "Cup", "Jar", "Vase",
)  # fmt: skip
FEATURES = (
    "Easy to clean.", "Built to last.", "Ships flat.", "Two-year warranty.", "Dishwasher safe.",
    "Fits most spaces.", "Gift ready.", "Made in small batches.", "Recycled packaging.", "Lightweight.",
)  # fmt: skip
FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dan", "Eva", "Finn", "Grace", "Hugo", "Iris", "Jon", "Kira", "Leo", "Maya",
    "Nils", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wen", "Xena", "Yuri", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanov", "Jensen",
    "Kowalski", "Larsen", "Martin", "Nowak", "Olsen", "Petit", "Rossi", "Schmidt", "Taylor", "Weber",
)  # fmt: skip
STREETS = ("Main", "High", "Church", "Mill", "Park", "Station", "Victoria", "Green", "Lake", "Hill")
CITIES = (
    ("Springfield", "US"), ("Leeds", "GB"), ("Bremen", "DE"), ("Lyon", "FR"), ("Utrecht", "NL"),
    ("Valencia", "ES"), ("Turin", "IT"), ("Gdansk", "PL"), ("Malmo", "SE"), ("Halifax", "CA"),
)  # fmt: skip
