"""The use cases: one function per thing a user does (answer a chat turn, import plans, record an
injection, issue a calendar link, …). Actions, the staff CLI, the page server and the console call
only these; they take a store and raise the domain's errors (bot/errors.py)."""
