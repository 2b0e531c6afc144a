import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

engine = create_engine("mysql+pymysql://app@db/shop", pool_size=10, max_overflow=5, pool_recycle=3500)

reporting = create_engine(
    os.environ["REPORTING_URL"],
    pool_size=int(os.environ.get("REPORTING_POOL_SIZE", "3")),
    pool_pre_ping=True,
)

# Local cache: not MySQL.
cache = create_engine("sqlite:///cache.db")

# One-off scripts open a connection per use.
scripts = create_engine("mysql+mysqldb://etl@db/shop", poolclass=NullPool)

SessionLocal = sessionmaker(bind=engine)
