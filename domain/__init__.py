"""Pure rules of rectrack: models, lifecycle transitions, deadlines, reminder ladder.

Nothing here imports temporalio, sqlmodel or httpx, so workflows can use these models
inside the sandbox and the rules can be tested with plain pytest.
"""
