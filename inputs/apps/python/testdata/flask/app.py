from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy(engine_options={"max_overflow": 2, "pool_size": 3})


def create_app():
    app = Flask(__name__)
    app.config.from_object("config.Config")
    app.config.update(SQLALCHEMY_ECHO=False)
    db.init_app(app)
    return app
