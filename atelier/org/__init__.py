"""Sites (atelier, shops, webshop) and programmes."""
