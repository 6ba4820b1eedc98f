"""Staff dialog-flow tests: YAML flows run against the real bot with imported plans, checked on meaning.

`model` loads and validates flow files, `runner` plays them over REST and reads the tracker, `report`
prints the pass/fail report and JUnit XML, `coverage` lists what the flows exercised, `cli` is
`python -m bot flows run`.
"""
