"""Stock: shipments from the atelier to the shops, and what each shop holds."""
