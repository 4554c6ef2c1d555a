
By1J2Czø£8Ô∏ÂCJ√