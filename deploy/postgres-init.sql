-- The second database of the scaled stack (deploy/compose.yml): Rasa's tracker store. The app's (havn) is made
-- by the image from POSTGRES_DB. Run once, when the volume is new.
CREATE DATABASE rasa;
