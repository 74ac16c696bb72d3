"""The service desk's configuration: calendars, teams, the priority matrix, SLA policies.

`calendar.py` is the business-time arithmetic (pure), `config.py` the validated shape of
the service file and what the desk asks of it, `loader.py` reads the YAML with line
numbers for `helpdesk service check`.
"""
