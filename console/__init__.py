"""The staff console: a browser view of plans, patient reports, follow-ups and the audit log, and a place to
try the bot as a test patient on a chosen date, save that conversation as a flow and run the flows.

Its own aiohttp server (`python -m console.server`, port 8081, loopback by default), so a clinic can keep it
on the intranet while the patient page faces the internet. See docs/console.md.
"""
