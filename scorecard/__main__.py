from scorecard.cli import app

app(prog_name="scorecard")
