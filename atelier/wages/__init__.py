"""Wages: pay periods, exchange rates and payslips."""
