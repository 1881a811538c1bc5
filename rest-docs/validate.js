// Validates a Swagger 2.0 document against the specification's schema and checks its references.
// Usage: node validate.js FILE
'use strict';
const SwaggerParser = require('@apidevtools/swagger-parser');

const file = process.argv[2];
SwaggerParser.validate(file)
  .then((api) => console.log(`${file}: valid Swagger ${api.swagger}, ${Object.keys(api.paths).length} paths`))
  .catch((err) => {
    console.error(`${file}: ${err.message}`);
    process.exit(1);
  });
