"""Analytics wing: recording events, the background writer, models, insights and charts."""
