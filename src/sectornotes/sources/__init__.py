"""The documents claims quote, one reader per kind (text, PDF, web page, spreadsheet, price
series), their extracted text cached by content, and the quote matching that finds a quote in a
document's text.
"""
