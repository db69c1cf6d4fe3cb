"""Demand: what sells where, what shops ask for, what to sew next, and markdowns."""
