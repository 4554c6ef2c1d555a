
BscansJM®¹B6;\DÎA\F