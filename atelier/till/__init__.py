"""The till: sales, sale lines and returns."""
