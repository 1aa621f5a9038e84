import { exerciseCli } from './exercise/exercise-cli';

/** `npm run exercise -- list | start <n> | check <n> [--solution | --starter | --dir <path>]` */
exerciseCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
}).then(
  (code) => {
    // Jest may leave handles open (a student's test that never cleaned up): the report is out, so end.
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
