"""Other ways sellers hear from and reach support: outbox and notifications, e-mail intake, Telegram."""
