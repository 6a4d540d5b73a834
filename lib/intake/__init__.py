"""Files in: dataset workbooks and official forms → records and findings (pure; never imports the store)."""
