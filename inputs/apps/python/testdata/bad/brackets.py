from sqlalchemy import create_engine

engine = create_engine(
    "mysql://app@db/shop",
    pool_size=5,

print("x"))
]
