
Bv_finalJÎA\F