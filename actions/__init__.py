"""Rasa custom actions. Keep this file free of rasa_sdk imports: the app imports actions.scoring."""
