import { createPool } from "mysql2";
export const pool = createPool({ connectionLimit: 5 );
