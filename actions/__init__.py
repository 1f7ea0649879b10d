"""Rasa custom actions (rasa-sdk, run by the action server). The pure screening logic they call lives in
the top-level `screening` package, which the app imports too without rasa_sdk."""
