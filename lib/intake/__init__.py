"""Files in: dataset workbooks and official forms → records and findings (pure; never imports the store).

One road for every file of a load (pipeline.py): open once into grids (files.py) → classify
(classify.py: dataset workbook, form, narrative report) → read (workbook.py for datasets; forms.py
with form_sheet.py, form_funds.py, form_records.py for forms; the narrative report has its own
reader in report/) → one ParsedWorkbook with findings (types.py, at the bottom). Imports run one
way, without a circle (tests/test_intake_imports.py).
"""
