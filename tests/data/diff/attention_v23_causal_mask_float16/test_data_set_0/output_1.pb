
Bpresent_keyJ0ИИaBP3јР>СЁСeE-CA"=#РКЗ\КНPН>Т{5!УyРDРnМе.3