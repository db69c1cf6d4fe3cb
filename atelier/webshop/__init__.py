"""The online shop: orders paid through Stripe Checkout."""
