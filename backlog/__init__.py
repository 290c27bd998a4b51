"""Reading an office's backlog file (CSV, XLSX, JSON Lines) into a checked `BacklogPlan`.

Pure file work: `read.read_table` turns a file into rows of strings, `check.plan_backlog`
turns those rows into `domain.backlog` models and checks them against the same domain
rules the workflows apply. Applying a plan (starting workflows) is app/'s job, not this
package's (docs/import.md).
"""
